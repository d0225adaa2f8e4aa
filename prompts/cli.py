"""Texts the `woonzorg` command line prints (its --help texts stay with the commands they document).
Plain text: the commands add colour (rich markup) around them."""

# -- every command: storage and Chroma -------------------------------------------------------------

STORAGE_PROBLEM_NL = "Opslagprobleem:"  # before the storage error itself
CHROMA_UNREACHABLE_NL = (
    "Chroma-server op {url} is niet bereikbaar ({kind}). "
    "Start hem (`chroma run --path … --port …`) of corrigeer WOONZORG_CHROMA_URL."
)

# -- index: ingest, check ------------------------------------------------------------------------

NOT_FOUND_NL = "Niet gevonden:"  # before the paths that do not exist
# After an ingest with --text-only (or vectors still pending).
VECTORS_FOLLOW_NL = (
    "{n} document(en) zijn doorzoekbaar op woorden; de vectoren volgen op de achtergrond "
    "zodra `woonzorg serve` draait (of met `woonzorg ingest` zonder --text-only)."
)
REPAIRED_NL = "hersteld: {action}"
CHECK_WRITER_BUSY_NL = "Er liep tijdens de controle een ingest; draai de controle daarna opnieuw."
CHECK_CONSISTENT_NL = "Register, Chroma en BM25 zijn met elkaar in overeenstemming."

# -- questions: search, ask, compare ---------------------------------------------------------------

BAD_MODE_NL = "--mode moet hybrid, bm25 of dense zijn"
QUESTION_OR_JSONL_NL = "Geef óf een vraag óf --jsonl BESTAND."
BAD_QUESTION_LINE_NL = "regel {n} overgeslagen: geen geldige JSON met id en question ({problem})"
UNKNOWN_DOCUMENTS_NL = "Onbekend document: {docs}"  # followed by COMPARE_SEE_DOCUMENTS_NL
COMPARE_SEE_DOCUMENTS_NL = "(zie `woonzorg documents`)"
COMPARE_NOT_FOUND_NL = "Hierover niets gevonden in dit document."

# -- records ---------------------------------------------------------------------------------------

NOTE_NL = "Let op:"  # before a note on differing definitions

# -- service: serve, mcp, token ---------------------------------------------------------------------

NO_TOKENS_NL = (
    "Geen tokens ingesteld: lokale demo, alleen bereikbaar op deze machine (127.0.0.1); "
    "iedereen hier heeft beheerrechten."
)
WORKERS_NEED_CHROMA_NL = (
    "--workers > 1 vereist een Chroma-server: de ingebedde Chroma is niet veilig voor meerdere "
    "processen. Start `chroma run --path …` en zet WOONZORG_CHROMA_URL."
)
SERVING_NL = "Woonzorg-assistent op http://{host}:{port}/  (API-documentatie: /docs)"
WORKERS_NL = "{workers} API-processen; elk laadt dezelfde indexversie (registry + BM25-stempel)."
BAD_ROLE_NL = "--role moet {roles} zijn."
NO_TOKENS_FILE_NL = "Stel eerst WOONZORG_TOKENS_FILE in (pad naar het tokenbestand)."
NEW_TOKEN_NL = "Token voor rol {role} (id {id}); bewaar het nu, het wordt niet opnieuw getoond:"
