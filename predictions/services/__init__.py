"""Writes and workflows of the predictions app (HackSoft style: keyword-only, typed).

Modules: ``data`` (incidents and districts as library objects), ``shifts`` (shift windows),
``training`` (nightly training and the champion rule), ``zones`` (surface → patrol zones),
``forecasting`` (issue a shift forecast), ``evaluation``, ``visits``, ``monitoring``,
``pipeline`` (Celery chains) and ``demo``.
"""
