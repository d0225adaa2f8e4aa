"""Texts of the service: tokens and roles, the bind check, upload jobs; and the messages the API and
the CLI share (an unknown document, an invalid token, a term without definition)."""

# -- shared by the API and the CLI ---------------------------------------------------------------

UNKNOWN_DOCUMENT_NL = "Onbekend document: {doc}."  # doc: one doc_id, or several joined by ", "
INVALID_TOKEN_NL = "Dit token is ongeldig of ingetrokken."
NO_DEFINITION_NL = "Geen definitie van ‘{term}’ gevonden in de documenten."

# -- tokens (WOONZORG_API_TOKENS, the tokens file, `woonzorg token add`) -------------------------

UNKNOWN_ROLE_NL = "Onbekende rol ‘{role}’ in {where}; kies uit {roles}."
BAD_TOKEN_SPEC_NL = "WOONZORG_API_TOKENS moet de vorm ‘token:rol,token:rol’ hebben."
TOKENS_FILE_UNREADABLE_NL = "Het tokenbestand {path} is onleesbaar: {problem}"
# Without tokens the service is a local demo with admin rights: never on a public address.
BIND_REFUSED_NL = (
    "Weigering: zonder tokens start de service alleen op 127.0.0.1, niet op {host}. "
    "Stel WOONZORG_API_TOKENS of WOONZORG_TOKENS_FILE in (zie `woonzorg token add`) "
    "of start zonder --host."
)

# -- upload jobs (their "detail", and a file's message) -------------------------------------------

DOCUMENT_DELETED_NL = "{title} is verwijderd."
JOB_FAILED_NL = "De taak is mislukt: {kind}."
JOB_ABORTED_FILE_NL = "niet verwerkt (de taak is afgebroken)"
