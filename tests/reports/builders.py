"""Incidents written straight to the database for report tests, and the scenario they share."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.contrib.gis.geos import Point

from incidents.models import CrimeCategory, District, Incident

LIMA = ZoneInfo("America/Lima")
WEEK = "2025-W10"  # Monday 3 to Sunday 9 March 2025
WEEK_START = dt.date(2025, 3, 3)
# A point well inside Bellavista (070102); the tests look for these digits in every output.
LAT, LON = -12.061234, -77.112345
NARRATIVE_MARKER = "RELATO-PRIVADO-7391"
NARRATIVE = (
    f"El agraviado Juan Pérez Quispe, con DNI 45678912, refiere que dos sujetos en moto le "
    f"arrebataron el celular en el paradero de la Av. Colonial. {NARRATIVE_MARKER}"
)


def add_incidents(
    *,
    district: str,
    category: str,
    count: int,
    day: dt.date,
    hour: int = 20,
    narrative: str = NARRATIVE,
    lat: float = LAT,
    lon: float = LON,
    origin: str = "victim_report",
) -> list[Incident]:
    """``count`` incidents on ``day`` (Lima time), a few metres apart at (lat, lon)."""
    place = District.objects.get(ubigeo=district)
    kind = CrimeCategory.objects.get(code=category)
    rows = [
        Incident(
            source="test",
            occurred_at=dt.datetime.combine(day, dt.time(hour, i % 60), tzinfo=LIMA),
            location=Point(lon + i * 1e-5, lat + i * 1e-5, srid=4326),
            district=place,
            category=kind,
            origin=origin,
            narrative=narrative,
            fingerprint=uuid.uuid4(),
        )
        for i in range(count)
    ]
    return Incident.objects.bulk_create(rows)


def bellavista_week() -> None:
    """Week 2025-W10 in Bellavista, built so that every privacy rule would be broken if leaked.

    Public: 12 robberies and 7 thefts (shown... unless withheld), 3 extortions (under 5).
    Sensitive: 6 cases of sexual violence and 8 of domestic violence (never public).
    Every incident carries a narrative with a name, a DNI and a marker; all sit at LAT, LON.
    """
    bella = "070102"
    for offset in range(7):
        add_incidents(district=bella, category="robo", count=2 if offset < 5 else 1,
                      day=WEEK_START + dt.timedelta(days=offset))  # fmt: skip
    add_incidents(district=bella, category="hurto", count=7, day=WEEK_START + dt.timedelta(days=2))
    add_incidents(district=bella, category="extorsion", count=3, day=WEEK_START, hour=10)
    add_incidents(district=bella, category="violencia_sexual", count=6, day=WEEK_START, hour=2)
    add_incidents(district=bella, category="violencia_familiar", count=8, day=WEEK_START, hour=3)
    # The four weeks before: 5 robberies and 2 thefts each.
    for weeks in range(1, 5):
        monday = WEEK_START - dt.timedelta(weeks=weeks)
        add_incidents(district=bella, category="robo", count=5, day=monday, hour=19)
        add_incidents(district=bella, category="hurto", count=2, day=monday, hour=9)
    # The same week a year earlier: 9 robberies.
    add_incidents(district=bella, category="robo", count=9, day=WEEK_START - dt.timedelta(weeks=52))
