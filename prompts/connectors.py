"""Texts of the connectors to other tools: the OpenAI-compatible /v1 endpoint and the MCP server."""

# -- OpenAI-compatible endpoint (/v1) ----------------------------------------------------------

# After the answer text: one line per citation, the link opens the PDF at the cited page.
SOURCES_HEADING_NL = "**Bronnen**"
SOURCE_LINE_NL = "- [{n}] {title}, p. {page}: “{quote}” — {url}"
NOTICE_LINE_NL = "_{notice}_"

OPENAI_UNKNOWN_MODEL_NL = "Onbekend model ‘{model}’; dit endpoint kent alleen ‘{known}’."
OPENAI_NO_MESSAGES_NL = "Geef ten minste één bericht in ‘messages’."
OPENAI_NO_USER_MESSAGE_NL = "Er staat geen vraag in ‘messages’: het laatste bericht met rol ‘user’ ontbreekt."
OPENAI_EMPTY_QUESTION_NL = "De vraag (het laatste bericht met rol ‘user’) is leeg."
OPENAI_QUESTION_TOO_LONG_NL = "De vraag is te lang (maximaal {max_chars} tekens)."
OPENAI_BAD_FILTER_NL = "Ongeldig filter in ‘metadata’: {problem}."
OPENAI_BAD_YEAR_NL = "‘year’ moet een jaartal zijn"
OPENAI_BAD_DOC_IDS_NL = "‘doc_ids’ moet een lijst van doc_id's zijn (komma-gescheiden of als JSON-lijst)"
# A failed stream says prompts.api.ANSWER_FAILED_NL, as /api/ask/stream does.

# -- MCP server ---------------------------------------------------------------------------------

MCP_INSTRUCTIONS_NL = (
    "Woonzorg-assistent: Nederlandse beleidsdocumenten over wonen en zorg. Elk antwoord en elk citaat "
    "verwijst naar document en pagina; citeer die bronnen. Gebruik ‘ask’ voor een vraag met antwoord, "
    "‘search’ en ‘fetch’ om zelf passages en pagina's te lezen, ‘define’ voor begrippen, ‘measures’ voor "
    "maatregelen (trekker, tijdspad) en ‘compare’ om documenten naast elkaar te zetten."
)
MCP_TOOL_SEARCH_NL = (
    "Zoek passages in de documenten (hybride: trefwoorden en betekenis). Elk resultaat heeft een id "
    "‘DOCID:PAGINA’ voor ‘fetch’, de titel, de pagina en de tekst."
)
MCP_TOOL_FETCH_NL = "De volledige tekst van één pagina, met id ‘DOCID:PAGINA’ zoals ‘search’ die geeft; met PDF-link."
MCP_TOOL_ASK_NL = (
    "Stel een vraag; het antwoord bestaat uit letterlijk geciteerde zinnen [n] met document, pagina en citaat. "
    "‘refused’ is waar als het antwoord niet in de documenten staat."
)
MCP_TOOL_DEFINE_NL = "Begrippen: de definities van een term met bron; ‘differences’ noemt documenten die afwijken."
MCP_TOOL_MEASURES_NL = (
    "Maatregelen uit de actietabellen: wie (trekker), wanneer (tijdspad), met wie, hoe ver. "
    "Filter op trekker, zoektekst of document (doc_id)."
)
MCP_TOOL_COMPARE_NL = "Vergelijk een onderwerp tussen documenten: per document een geciteerde kolom."
MCP_TOOL_DOCUMENTS_NL = "De geïndexeerde documenten (doc_id, titel, organisatie, jaar, pagina's)."
MCP_RESOURCE_DOCUMENTS_NL = "De lijst van geïndexeerde documenten (JSON)."

MCP_BAD_PAGE_ID_NL = "Ongeldig id ‘{id}’: verwacht ‘DOCID:PAGINA’, zoals ‘search’ het geeft."
