"""The incident import pipeline: read → map columns → validate → COPY into the incident table.

One code path serves the admin upload page, the API and `manage.py import_incidents`
(through `incidents.services.dataset_import`): streaming readers (Arrow for clean UTF-8 CSV,
row by row otherwise, XLSX, GeoJSON), column mapping, vectorised validation with a bilingual
rejection report, districts, fingerprints and duplicates computed in Python (prepare.py,
keyset.py), then COPY straight into the table (loader.py); large loads fill a copy of the
table and swap it in (load_table.py). All or nothing per dataset.
"""
