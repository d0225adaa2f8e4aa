"""Texts of the ingest: why a file is rejected, warnings about a document, outcomes, storage faults,
OCR and the index check. Shown in the ingest summary ("toelichting"), `woonzorg documents`,
`woonzorg check` and the upload jobs of the API."""

# -- reading a PDF: rejection reasons and warnings -----------------------------------------------

PDF_EMPTY_NL = "leeg bestand (0 bytes)"
PDF_NOT_PDF_NL = "geen PDF (lijkt op {format})"  # format: what the magic bytes look like (ZIP, PNG …)
PDF_UNKNOWN_FORMAT_NL = "onbekend formaat"
# Literally "%%EOF": the marker a complete PDF ends with.
PDF_TRUNCATED_NL = "beschadigde of afgekapte PDF (geen %%EOF-einde)"
PDF_DAMAGED_NL = "beschadigde PDF ({problem})"
PDF_PAGE_TREE_NL = "beschadigde PDF: paginaboom onleesbaar ({problem})"
PDF_NO_PAGES_NL = "PDF zonder pagina's"
PDF_ENCRYPTED_NL = "beveiligd met een wachtwoord (stel WOONZORG_PDF_PASSWORD in)"
PDF_DECRYPTED_NL = "versleutelde PDF geopend"
PDF_PAGE_LIMIT_NL = "{pages} pagina's; alleen de eerste {limit} zijn verwerkt (limiet)"
PDF_OCR_PAGES_NL = "OCR op pagina {pages} (gemiddelde zekerheid {confidence:.0f}%)"
PDF_OCR_UNRELIABLE_NL = "pagina {pages}: OCR te onzeker (< {threshold:.0f}%), niet gebruikt voor antwoorden"
# Too little text to index: the reason, filled into PDF_OCR_NEEDED_NL.
PDF_NO_TEXT_LAYER_NL = "geen tekstlaag"
PDF_TOO_LITTLE_TEXT_NL = "ook met OCR te weinig tekst"
PDF_OCR_NEEDED_NL = "{reason} ({chars} tekens op {pages} pagina's): OCR nodig"
PDF_EMPTY_PAGES_NL = "pagina's zonder tekst (OCR nodig?): {pages}"

# -- OCR (tesseract) -----------------------------------------------------------------------------

OCR_UNAVAILABLE_NL = "OCR niet beschikbaar: installeer tesseract-ocr en tesseract-ocr-nld (make setup doet dat)"
OCR_MISSING_LANGUAGE_NL = "taal ontbreekt: {languages}"
OCR_TIMEOUT_NL = "OCR mislukt: tesseract duurde langer dan {seconds:.0f} s voor één pagina"
OCR_EXIT_CODE_NL = "OCR mislukt: tesseract stopte met code {code}: {stderr}"
OCR_BAD_OUTPUT_NL = "OCR mislukt: onleesbare TSV-uitvoer van tesseract ({problem})"

# -- one file's outcome (the summary's "toelichting") ------------------------------------------

INGESTED_NL = "geïndexeerd"
REPLACES_NL = "vervangt de vorige versie"
# The same file read again because the reader changed (READER_VERSION).
REREAD_NL = "opnieuw gelezen (nieuwe leesversie)"
UNCHANGED_NL = "al geïndexeerd (zelfde inhoud)"
ALREADY_ALIAS_NL = "al vastgelegd als alias van {file}"
DUPLICATE_ALIAS_NL = "duplicaat van {file}: als alias vastgelegd"
SAME_TEXT_ALIAS_NL = "zelfde tekst als {file} (andere bytes): als alias vastgelegd"
# The registry's note on an alias (why this file name points at another document).
ALIAS_NOTE_IDENTICAL_NL = "identieke kopie van {file}"
ALIAS_NOTE_SAME_TEXT_NL = "zelfde tekst als {file}"
# counts: "12 begrip, 3 maatregel" or NO_RECORDS_NL.
STRUCTURE_REFRESHED_NL = "structuur opnieuw herkend ({counts})"
REINDEXED_NL = "opnieuw geïndexeerd ({counts})"
NO_RECORDS_NL = "geen records"
UNKNOWN_DOCUMENT_OUTCOME_NL = "onbekend document"
FILE_UNREADABLE_NL = "bestand niet leesbaar ({problem})"
UNEXPECTED_ERROR_NL = "onverwachte fout: {kind}: {problem}"
# Rejected by the upload before the file is stored.
UPLOAD_TOO_LARGE_NL = "te groot (meer dan {mb} MB)"

# -- storage faults: a problem and its fix ---------------------------------------------------------

STORAGE_OTHER_DIR_NL = "kies met WOONZORG_DATA_DIR een andere map"
STORAGE_NOT_A_DIR_NL = "de datamap is geen map maar een bestand"
STORAGE_CANNOT_CREATE_NL = "de datamap kan niet worden aangemaakt ({reason})"
STORAGE_CANNOT_CREATE_FIX_NL = f"maak de map aan met schrijfrechten voor deze gebruiker, of {STORAGE_OTHER_DIR_NL}"
STORAGE_NOT_WRITABLE_NL = "geen schrijfrechten"
STORAGE_NOT_WRITABLE_FIX_NL = "geef deze gebruiker schrijfrechten op {path}, of " + STORAGE_OTHER_DIR_NL
STORAGE_LOW_SPACE_NL = "te weinig vrije schijfruimte ({free_mb:.1f} MB vrij, minimaal {min_mb:.0f} MB nodig)"
STORAGE_LOW_SPACE_FIX_NL = f"maak ruimte vrij op deze schijf, of {STORAGE_OTHER_DIR_NL} op een schijf met meer ruimte"
STORAGE_DISK_FULL_NL = "schijf vol bij schrijven"
STORAGE_DISK_FULL_FIX_NL = f"maak ruimte vrij of {STORAGE_OTHER_DIR_NL}; wat al was opgeslagen blijft bewaard"
STORAGE_READ_ONLY_NL = "alleen-lezen bestandssysteem"
STORAGE_READ_ONLY_FIX_NL = (
    f"koppel de schijf opnieuw met schrijfrechten (mount -o remount,rw) of {STORAGE_OTHER_DIR_NL}"
)
# Why the data dir could not be made (in STORAGE_CANNOT_CREATE_NL), beside the two above.
STORAGE_PATH_HAS_FILE_NL = "een deel van het pad is een bestand"
STORAGE_FULL_NL = "schijf vol"
# Where SQLite or Chroma failed when the data dir is not known.
STORAGE_SOME_PATH_NL = "de datamap (WOONZORG_DATA_DIR)"
STORAGE_ERROR_NL = "{problem}: {path}\nOplossing: {fix}."
# The same fault as one line of a file's outcome.
STORAGE_OUTCOME_NL = "{problem} naar {path}: {fix}"

# -- `woonzorg check`: consistency of registry, Chroma and BM25 ----------------------------------

CHECK_NO_REGISTRY_NL = "geen register in {data_dir}: er is hier nog niets geïndexeerd"
CHECK_REGISTRY_UNREADABLE_NL = "register {path} niet leesbaar ({problem})"
CHECK_CHROMA_UNREADABLE_NL = "Chroma niet leesbaar ({kind}: {problem})"
# One line per kind of inconsistency: "{count} {what}, bv. {examples}".
CHECK_PROBLEM_NL = "{count} {what}, bv. {examples}"
CHECK_DUPLICATE_CHUNKS_NL = "dubbele chunks"
CHECK_ORPHAN_VECTORS_NL = "verweesde vectoren in Chroma (geen actieve chunk in het register)"
CHECK_MISSING_VECTORS_NL = "chunks zonder vector (document staat als ingebed geregistreerd)"
CHECK_MISMATCHED_VECTORS_NL = "vectoren met een andere tekst of ander document dan het register"
CHECK_LEFTOVER_DOCS_NL = "achtergebleven niet-actieve documentversies in het register"
CHECK_BM25_MISSING_NL = "registerchunks ontbreken in BM25"
CHECK_BM25_EXTRA_NL = "BM25 bevat chunks die niet in het register staan"
CHECK_BM25_UNUSABLE_NL = "BM25-bestanden onbruikbaar: {problem}"
CHECK_BM25_STALE_NL = "BM25-stempel {bm25} hoort niet bij registerversie {registry}"
# The rows of the check's table (beside CHECK_DUPLICATE_CHUNKS_NL); the verdicts ok / wacht / FOUT are codes.
CHECK_ROW_REGISTRY_NL = "register"
CHECK_ROW_ACTIVE_DOCS_NL = "actieve documenten"
CHECK_ROW_REGISTRY_CHUNKS_NL = "chunks in register"
CHECK_ROW_VECTORS_NL = "vectoren in Chroma"
CHECK_ROW_BM25_CHUNKS_NL = "chunks in BM25"
CHECK_ROW_PENDING_NL = "wachten op embeddings (documenten / chunks)"
CHECK_ROW_ORPHAN_VECTORS_NL = "verweesde vectoren"
CHECK_ROW_MISSING_VECTORS_NL = "ontbrekende vectoren"
CHECK_ROW_MISMATCHED_VECTORS_NL = "afwijkende vectoren"
CHECK_ROW_LEFTOVER_DOCS_NL = "niet-actieve documentversies"
CHECK_ROW_BM25_IDS_NL = "BM25-ids ≠ register (ontbreken / extra)"
CHECK_ROW_BM25_STAMP_NL = "BM25-stempel"
# The BM25 stamp's state in its row.
CHECK_STALE_NL = "verouderd"
CHECK_CURRENT_NL = "actueel"

# What `woonzorg check --repair` did, one line each.
REPAIR_PURGED_NL = "{n} achtergebleven documentversie(s) opgeruimd"
REPAIR_ORPHANS_NL = "{n} verweesde vector(en) verwijderd"
REPAIR_BM25_NL = "BM25-index opnieuw opgebouwd"
REPAIR_REEMBEDDED_NL = "vectoren van {n} document(en) opnieuw weggeschreven"
