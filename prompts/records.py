"""Texts of the record kinds (ingest/records): the notes a record carries about what its reader
could not settle (``uncertain``, shown beside an answer as a notice), the differences between
definitions, and the self-check warnings of a document (`woonzorg documents`, `woonzorg check`).
Tests match several of them verbatim."""

# A list of numbers that is empty, as the notes below name it ("… tegenover geen").
NO_NUMBERS_NL = "geen"

# -- begrippen: definitions and where they come from --------------------------------------------

# The scope of a definition taken from a concept text: who wrote it, and when.
SCOPE_CONCEPT_NL = "{who} (concept, {when})"
SCOPE_MINISTRY_NL = "Rijk (ministerie van {who})"
DEFINITION_STARTS_ON_NL = "definitie begint op pagina {page}; citaat bevat alleen de term"
DEFINITION_CONTINUES_NL = "definitie loopt door op pagina {page}"
EXPLANATION_CONTINUES_NL = "toelichting loopt door op pagina {next_page}; citaat alleen pagina {page}"
# "geclusterde- (…) en zorggeschikte woningen": the term's head noun read after the parenthesis.
HEAD_NOUN_AFTER_PARENTHESIS_NL = "kernwoord '{noun}' overgenomen van na het haakje"
# Two definitions of one term: where is "'term' (scope, file p. n)".
DEFINITIONS_DIFFER_NL = "{where_a} en {where_b} omschrijven het begrip verschillend"
DEFINITION_WHERE_NL = "'{term}' ({scope}, {file} p. {page})"
DIFFERENT_NUMBERS_NL = "; afwijkende getallen: {a} tegenover {b}"
# The same definition in two files, with different numbers in it.
NUMBERS_DIFFER_NL = (
    "'{term_a}' ({file_a} p. {page_a}) en '{term_b}' ({file_b} p. {page_b}) verschillen in getallen: {a} tegenover {b}."
)

# -- maatregelen: one row of a maatregel matrix ------------------------------------------------------

MEASURE_STATUS_CONTINUES_NL = "maatregel/status lopen door op volgende pagina; celgrens onzeker"
TIJDSPAD_WORD_JOINED_NL = "tijdspad-woord over regelafbreking samengevoegd ({token!r})"
READ_AS_STATUS_NL = "'{token}' gelezen als status (kolom vóór het tijdspad)"
TIJDSPAD_NOT_FOUND_NL = "tijdspad niet gevonden"
TIJDSPAD_PM_NL = "tijdspad 'PM' (nog te bepalen)"
TIJDSPAD_NEXT_PAGE_NL = "tijdspad op volgende pagina (p. {page})"
BETROKKEN_EMPTY_NL = "betrokken leeg of niet gevonden"
TREKKER_EXTRA_TEXT_NL = "extra tekst in trekkerkolom: '{text}'"
TREKKER_NOT_FOUND_NL = "trekker niet gevonden"
TREKKER_IS_LIST_NL = "trekker is een opsomming direct na het tijdspad; kan ook de betrokken-kolom zijn"
TREKKER_NEXT_PAGE_NL = "trekker op volgende pagina (p. {page})"
# pages: "12" or "12, 13".
MEASURE_TEXT_CONTINUES_NL = "maatregeltekst loopt door op p. {pages} (na de rij)"
STATUS_TEXT_CONTINUES_NL = "statustekst loopt mogelijk door op p. {pages}"
STATUS_EMPTY_NL = "status leeg of niet te scheiden van de maatregeltekst"
# An empty row filled from its neighbour (row: "3b").
CELLS_SHARED_MERGED_NL = "status/tijdspad/betrokken/trekker gedeeld met {row} (samengevoegde cel)"
CELLS_SHARED_NL = "status/tijdspad/betrokken/trekker gedeeld met {row}"
CELLS_NOT_FOUND_NL = "geen status, tijdspad, betrokken of trekker gevonden"
ROW_ORDER_NL = "volgorde: verwacht '{expected}', gevonden '{found}'"
# Self-checks against the document's own counts (kind: actielijnen, doelen, maatregelen).
MEASURES_CHECK_NL = "maatregelen: {problem}"
COUNT_DIFFERS_NL = "{kind}: document noemt {expected}, parser vond {found}"
DUPLICATE_MEASURE_IDS_NL = "dubbele maatregel-id's: {ids}"

# -- phases of a phased plan ------------------------------------------------------------------------

PHASE_CONTINUES_NL = "beschrijving loopt door tot p. {page}"

# -- tables and their cells ---------------------------------------------------------------------------

COLUMN_WITHOUT_HEADER_NL = "kolom zonder kop"
CAPTION_FOOTNOTE_REMOVED_NL = "voetnootnummer uit bijschrift verwijderd: {caption!r}"
LABEL_COLUMN_WITHOUT_HEADER_NL = "rijlabelkolom heeft geen kop"
TABLE_WITHOUT_CAPTION_NL = "tabel zonder bijschrift; naam samengesteld uit de kolomkop"
ROW_WITHOUT_LABEL_NL = "rij zonder label"
NO_VALUE_NL = "geen waarde (niet van toepassing)"
UNIT_FROM_COLUMNS_NL = "eenheid {unit!r} afgeleid van de andere kolommen"
UNIT_FROM_LABEL_NL = "eenheid {unit!r} uit het rijlabel"
RANGE_NL = "bereik: {low:g} tot {high:g}"
VALUE_FOOTNOTE_NL = "voetnootnummer {footnote} achter de waarde"

# -- voorstellen: the proposals of a report --------------------------------------------------------

BOX_SECTION_GUESSED_NL = "kader los van de lopende tekst: sectie afgeleid uit de volgorde van kaders en koppen"
MORE_BOXES_THAN_SECTIONS_NL = "meer kaders dan secties op de pagina: laatste sectie aangenomen"
NO_TEXT_UNDER_HEADING_NL = "geen tekst gevonden onder de kop"
TEXT_MAY_CONTINUE_NL = "tekst eindigt zonder slotpunt aan het eind van p. {page}; loopt mogelijk door op p. {next_page}"
PROPOSALS_CHECK_NL = "voorstellen: {problem}"
PROPOSAL_COUNT_DIFFERS_NL = "document noemt {expected} voorstellen, parser vond {found}"
DUPLICATE_PROPOSAL_NUMBERS_NL = "dubbele voorstelnummers: {numbers}"
MISSING_PROPOSAL_NUMBERS_NL = "ontbrekende voorstelnummers: {numbers}"
