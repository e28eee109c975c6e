"""Canonical CSV rows for simulated incidents, with optional Spanish narratives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

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
# Several phrasings per category. The last one of each is never used by
# ``synthetic_narratives(..., templates="train")``, so a classifier trained on the others can be
# scored on wording it never saw (still synthetic: real narratives are far more varied).
_TEMPLATES: dict[str, tuple[str, ...]] = {
    "hurto": (
        "Vecino denuncia que le sustrajeron {objeto} sin violencia en {calle}.",
        "Denunciante refiere que al descuidarse le sacaron {objeto} del bolsillo en {calle}.",
        "Se reporta la sustracción de {objeto} dejada en un vehículo estacionado en {calle}.",
        "Agraviada indica que no se percató cuando le quitaron {objeto} en un paradero de "
        "{calle}; no hubo agresión.",
    ),
    "robo": (
        "Víctima reporta que dos sujetos le arrebataron {objeto} con amenazas en {calle}.",
        "Sujetos armados a bordo de una moto despojaron a un transeúnte de {objeto} en {calle}.",
        "Denunciante refiere que fue reducido a golpes y le robaron {objeto} en {calle}.",
        "Delincuentes intimidaron con un cuchillo a la víctima y se llevaron {objeto} cerca "
        "de {calle}.",
    ),
    "lesiones": (
        "Se reporta una gresca con un herido leve a la altura de {calle}.",
        "Pelea entre vecinos deja a una persona con contusiones en {calle}.",
        "Un joven resultó herido tras una riña a la salida de un local en {calle}.",
        "Dos personas se agredieron a puñetes; una terminó con cortes en el rostro en {calle}.",
    ),
    "violencia_familiar": (
        "Llamada por agresión en un domicilio cercano a {calle}.",
        "Mujer denuncia maltrato físico y psicológico de su pareja en su vivienda de {calle}.",
        "Vecinos reportan gritos y golpes dentro de una casa en {calle}; la conviviente "
        "pide ayuda.",
        "Madre de familia refiere que su esposo la golpeó delante de sus hijos en su hogar "
        "de {calle}.",
    ),
    "microcomercializacion_drogas": (
        "Vecinos alertan venta de drogas en una esquina de {calle}.",
        "Se interviene a un sujeto con envoltorios de pasta básica de cocaína en {calle}.",
        "Denuncian que en un inmueble de {calle} se comercializa marihuana a menudeo.",
        "Patrullaje encuentra a un individuo con ketes de droga listos para la venta en {calle}.",
    ),
    "homicidio": (
        "Se halla una persona sin vida con heridas de bala en {calle}.",
        "Un hombre fue asesinado a balazos por sicarios en {calle}.",
        "Reportan el fallecimiento de una persona tras ser atacada con arma blanca en {calle}.",
        "Hallan el cadáver de un varón con múltiples disparos en {calle}.",
    ),
}
_OBJECTS = ("su celular", "su billetera", "su mochila", "una bicicleta", "su cartera")
_GENERIC = ("Incidente reportado en {calle}.",)


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
        frame["narrative"] = synthetic_narratives(ev.category, random_state=random_state)
    return frame


def narrative_categories() -> tuple[str, ...]:
    """Categories for which :func:`synthetic_narratives` has templates."""
    return tuple(_TEMPLATES)


def synthetic_narratives(
    categories: Sequence[str] | NDArray[np.object_],
    *,
    templates: Literal["all", "train", "held_out"] = "all",
    random_state: int | None = None,
) -> list[str]:
    """Template-generated Spanish narratives, one per category given.

    Parameters
    ----------
    categories : sequence of str
        The crime type of each narrative; unknown types get a generic sentence.
    templates : {"all", "train", "held_out"}
        Which phrasings to draw from: every one, all but the last of each category, or only
        the last (the wording a classifier trained on ``"train"`` never saw).
    random_state : int, optional
        Seed for the choice of template, street and object.

    Returns
    -------
    list of str
    """
    rng = np.random.default_rng(random_state)
    n = len(categories)
    streets = np.asarray(_STREETS, dtype=object)[rng.integers(len(_STREETS), size=n)]
    objects = np.asarray(_OBJECTS, dtype=object)[rng.integers(len(_OBJECTS), size=n)]
    picks = rng.random(n)
    out = []
    for category, street, obj, pick in zip(categories, streets, objects, picks, strict=True):
        options = _TEMPLATES.get(str(category), _GENERIC)
        if templates == "train" and len(options) > 1:
            options = options[:-1]
        elif templates == "held_out":
            options = options[-1:]
        template = options[int(pick * len(options))]
        out.append(template.format(calle=street, objeto=obj))
    return out
