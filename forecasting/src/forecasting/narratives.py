"""Canonical CSV rows for simulated incidents, with optional Spanish narratives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .geo import xy_to_lonlat
from .simulate import Simulation

_STREETS = (
    "Av. Sáenz Peña",
    "Av. Colonial",
    "Av. Guardia Chalaca",
    "Av. Argentina",
    "Av. Néstor Gambetta",
    "Av. La Marina",
    "Jr. Paz Soldán",
    "Av. Elmer Faucett",
    "Av. Oscar R. Benavides",
    "Jr. Constitución",
)
_TEMPLATES = {
    "hurto": "Vecino denuncia que le sustrajeron {objeto} sin violencia en {calle}.",
    "robo": "Víctima reporta que dos sujetos le arrebataron {objeto} con amenazas en {calle}.",
    "lesiones": "Se reporta una gresca con un herido leve a la altura de {calle}.",
    "violencia_familiar": "Llamada por agresión en un domicilio cercano a {calle}.",
    "microcomercializacion_drogas": "Vecinos alertan venta de drogas en una esquina de {calle}.",
    "homicidio": "Se halla una persona sin vida con heridas de bala en {calle}.",
}
_OBJECTS = ("su celular", "su billetera", "su mochila", "una bicicleta", "su cartera")


def simulation_frame(
    sim: Simulation, narratives: bool = False, random_state: int | None = None
) -> pd.DataFrame:
    """The simulated incidents as canonical CSV columns.

    Times carry their UTC offset, coordinates are WGS84 with 6 decimals (about 0.1 m), and
    ``district`` is the region part containing each incident (empty when unnamed).
    """
    ev = sim.events
    lon, lat = xy_to_lonlat(ev.x, ev.y, ev.crs)
    district = np.full(len(ev), "", dtype=object)
    for name, geom in sim.region.districts.items():
        district[shapely.contains_xy(geom, ev.x, ev.y)] = name
    frame = pd.DataFrame(
        {
            "external_id": [f"sim-{i + 1:07d}" for i in range(len(ev))],
            "occurred_at": ev.local_times()
            .strftime("%Y-%m-%dT%H:%M:%S%z")
            .str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True),
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "category": ev.category,
            "origin": ev.origin,
            "district": district,
        }
    )
    if narratives:
        rng = np.random.default_rng(random_state)
        streets = np.asarray(_STREETS, dtype=object)[rng.integers(len(_STREETS), size=len(ev))]
        objects = np.asarray(_OBJECTS, dtype=object)[rng.integers(len(_OBJECTS), size=len(ev))]
        frame["narrative"] = [
            _TEMPLATES.get(c, "Incidente reportado en {calle}.").format(calle=s, objeto=o)
            for c, s, o in zip(ev.category, streets, objects, strict=True)
        ]
    return frame
