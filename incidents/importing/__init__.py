"""The incident import pipeline: read → map columns → validate → COPY → one INSERT … SELECT.

One code path serves the admin upload page, the API and `manage.py import_incidents`
(through `incidents.services.dataset_import`).
"""
