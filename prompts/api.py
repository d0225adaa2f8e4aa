"""Texts of the HTTP API (/api, /health, the error handlers): errors in ``detail``, notices, labels.
The /v1 and MCP connectors have theirs in ``connectors``; messages shared with the CLI are in ``service``."""

# -- who may call (401 / 403 / 429) ---------------------------------------------------------------

UNAUTHENTICATED_NL = "Inloggen vereist: stuur een geldig token als ‘Authorization: Bearer <token>’."
FORBIDDEN_NL = "Uw rol ({role}) mag dit niet; daarvoor is de rol {needed} nodig."
LOCAL_ONLY_NL = "Zonder tokens is de service alleen bereikbaar via 127.0.0.1."
RATE_LIMITED_NL = "Te veel verzoeken. Probeer het over {seconds} seconden opnieuw."

# -- the error handlers ---------------------------------------------------------------------------

# A request that fails validation: "Ongeldige aanvraag: 'year' is te klein; 'q' ontbreekt."
INVALID_REQUEST_NL = "Ongeldige aanvraag: {problems}."
FIELD_PROBLEM_NL = "'{field}' {problem}"
# Pydantic's error types, as the verb phrase after the field name.
FIELD_PROBLEMS_NL = {
    "missing": "ontbreekt",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "string_too_short": "is te kort",
    "string_too_long": "is te lang",
    "int_parsing": "moet een geheel getal zijn",
    "literal_error": "heeft geen toegestane waarde",
    "json_invalid": "is geen geldige JSON",
    "model_attributes_type": "moet een object zijn",
}
FIELD_INVALID_NL = "is ongeldig"  # any other error type
# Starlette's own English reasons (unknown route, wrong method) in Dutch.
STATUS_NL = {
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
    413: "De aanvraag is te groot.",
}
STATUS_OTHER_NL = "De aanvraag kon niet worden verwerkt."
INTERNAL_ERROR_NL = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
REQUEST_TOO_LARGE_NL = "De aanvraag is te groot (maximaal {limit})."  # limit: "10 MB", "500 kB"

# -- questions ------------------------------------------------------------------------------------

# The stream's status event while the answer is being made.
SEARCHING_NL = "Bezig met zoeken in de documenten…"
# Answering failed (the log has the trace): /api/ask/stream and /v1's stream.
ANSWER_FAILED_NL = "Er ging iets mis bij het beantwoorden van deze vraag. Probeer het later opnieuw."
# Chroma was unreachable for this search: the results are BM25's alone.
DENSE_UNAVAILABLE_SEARCH_NL = (
    "Let op: semantisch zoeken is nu niet beschikbaar; deze resultaten zijn alleen op trefwoorden gezocht."
)
# /health: degraded, not down (HTTP 200): the service still answers, with BM25 alone.
DENSE_UNAVAILABLE_PROBLEM_NL = (
    "De vectoropslag (Chroma) is niet bereikbaar: er wordt alleen op trefwoorden (BM25) gezocht."
)
NO_REGION_DOCUMENTS_NL = "Geen documenten over de regio ‘{region}’."
FEEDBACK_THANKS_NL = "Bedankt voor uw feedback."

# -- documents and jobs ---------------------------------------------------------------------------

NO_SUCH_PAGE_NL = "Pagina {n} bestaat niet in {file} ({page_count} pagina's)."
PDF_MISSING_NL = "Het PDF-bestand van {file} staat niet (meer) in de corpusmap."
PAGE_IMAGE_FAILED_NL = "Pagina {n} van {file} kon niet als afbeelding worden getoond."
TOO_MANY_FILES_NL = "Te veel bestanden in één keer (maximaal {max_files})."
UNKNOWN_JOB_NL = "Onbekende taak: {job_id}."
# A document's indexing state: its text is searchable at once, its vectors follow in the background.
INDEXING_LABELS_NL = {
    "tekst": "tekst geïndexeerd (zoeken op woorden; semantisch zoeken volgt)",
    "semantisch": "semantisch geïndexeerd",
}
