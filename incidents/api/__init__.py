"""Incident app API (DRF): district boundaries, incidents, datasets. Routes in incidents/api_urls.py.

Each view declares ``allowed_roles``; rows come from ``visible_to(user)``; domain errors are
answered by callao/api.py's exception handler.
"""
