"""Texts about a document's access level (public / intern): ingest, `woonzorg access`, the admin API."""

# -- ingest ------------------------------------------------------------------------------------

# A manifest.json that cannot be read stops the ingest: guessing would make documents public or hide them.
MANIFEST_UNREADABLE_NL = "{path} is geen leesbare manifest.json ({problem}); de ingest is niet gestart."
MANIFEST_SHAPE_NL = "{path} heeft geen lijst ‘documents’ met per document een object"
# In an outcome's message (the summary's "toelichting").
ACCESS_UNKNOWN_VALUE_NL = "onbekende toegang ‘{value}’ in {manifest}: intern (kies public of intern)"
ACCESS_NO_ENTRY_NL = "geen toegang in manifest.json: intern"
ACCESS_UPDATED_NL = "toegang {old} → {new} ({reason})"
ACCESS_REASON_MANIFEST_NL = "volgens {manifest}"
ACCESS_REASON_NO_ENTRY_NL = "geen toegang in manifest.json"
ACCESS_KEPT_NL = "toegang {access} blijft (gekozen door beheer; manifest.json zegt {manifest})"
INTERN_HINT_NL = (
    "{n} document(en) zonder toegang in manifest.json zijn intern (alleen beheer en medewerkers). "
    'Openbaar maken: zet "access": "public" in manifest.json of gebruik `woonzorg access DOC public`.'
)

# -- `woonzorg access` and the admin API ---------------------------------------------------------

ACCESS_BAD_VALUE_NL = "Ongeldige toegang ‘{value}’: kies public of intern."
ACCESS_UNKNOWN_DOC_NL = "Onbekend document: {doc}. Geef een doc_id of bestandsnaam uit `woonzorg documents`."
ACCESS_CHANGED_NL = (
    "{file} ({doc_id}): toegang {old} → {new}. Draaiende servers nemen dit over bij de volgende indexversie."
)
ACCESS_UNCHANGED_NL = "{file} ({doc_id}) is al {new}; niets gewijzigd."
