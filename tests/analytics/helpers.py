"""Incidents placed by hand, for analyses whose answer is computed by hand."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from zoneinfo import ZoneInfo

from django.contrib.gis.geos import Point

from incidents.models import CrimeCategory, District, Incident, Origin
from tests.incidents.importing_helpers import BELLAVISTA, CALLAO, VENTANILLA

LIMA = ZoneInfo("America/Lima")
# A point inside each of three districts (lat, lon), the importer tests' own.
PLACES = {"070101": CALLAO, "070102": BELLAVISTA, "070106": VENTANILLA}
_serial = itertools.count(1)


def incident(
    when: dt.datetime,
    *,
    ubigeo: str = "070101",
    code: str = "robo",
    origin: str = Origin.VICTIM_REPORT,
    where: tuple[float, float] | None = None,
) -> Incident:
    lat, lon = where or PLACES[ubigeo]
    number = next(_serial)
    return Incident.objects.create(
        source="test-analytics",
        external_id=f"A{number}",
        occurred_at=when,
        location=Point(lon, lat, srid=4326),
        district=District.objects.get(ubigeo=ubigeo),
        category=CrimeCategory.objects.get(code=code),
        origin=origin,
        fingerprint=uuid.uuid4(),
    )


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LIMA)
