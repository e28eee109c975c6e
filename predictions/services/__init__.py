"""Writes and workflows of the predictions app (HackSoft style: keyword-only, typed).

Modules: ``training`` (nightly training and the champion rule), ``forecasting`` (issue a shift
forecast), ``evaluation`` (score closed windows), ``visits`` (patrol visits), ``pipeline``
(Celery chains) and ``demo``. What is not a service lives beside this package: reads in
``predictions/querysets.py``, shift windows in ``shifts.py``, surface → zones in ``zones.py``,
zone explanations in ``explain.py``, metrics in ``monitoring.py``.
"""
