"""The crime categories the system ships with, and how free-text labels map onto them.

Modalities follow the Peruvian police's usual denuncia types; aliases cover common spellings in
PNP/SIDPOL exports and the English labels of other cities' open data (used for benchmarks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from callao.text import fold


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name_es: str
    name_en: str
    severity_weight: float
    public: bool = True
    sensitive: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)


TAXONOMY: tuple[CategorySpec, ...] = (
    CategorySpec(
        "robo",
        "Robo",
        "Robbery",
        3.0,
        aliases=(
            "robo agravado",
            "robo simple",
            "robo a mano armada",
            "asalto",
            "arrebato",
            "robo al paso",
            "robo de celular",
            "robo a transeunte",
            "robo de vehiculo",
            "robo en domicilio",
            "robo a vivienda",
            "robbery",
            "break and enter",
        ),
    ),
    CategorySpec(
        "hurto",
        "Hurto",
        "Theft",
        2.0,
        aliases=(
            "hurto agravado",
            "hurto simple",
            "carterismo",
            "hurto de vehiculo",
            "hurto de autopartes",
            "robo de autopartes",
            "theft",
            "theft over",
            "auto theft",
            "larceny",
        ),
    ),
    CategorySpec(
        "homicidio",
        "Homicidio",
        "Homicide",
        5.0,
        aliases=(
            "homicidio calificado",
            "asesinato",
            "sicariato",
            "feminicidio",
            "homicide",
            "murder",
        ),
    ),
    CategorySpec(
        "lesiones",
        "Lesiones",
        "Assault and injury",
        3.0,
        aliases=(
            "lesiones graves",
            "lesiones leves",
            "agresion",
            "agresion fisica",
            "assault",
            "battery",
        ),
    ),
    CategorySpec(
        "extorsion",
        "Extorsión",
        "Extortion",
        4.0,
        aliases=("extorsion agravada", "cobro de cupos", "chantaje", "extortion"),
    ),
    CategorySpec(
        "violencia_familiar",
        "Violencia familiar",
        "Domestic violence",
        3.0,
        public=False,
        sensitive=True,
        aliases=(
            "violencia contra la mujer",
            "violencia contra la mujer e integrantes del grupo familiar",
            "agresiones contra las mujeres o integrantes del grupo familiar",
            "violencia domestica",
            "domestic violence",
        ),
    ),
    CategorySpec(
        "violencia_sexual",
        "Violencia sexual",
        "Sexual violence",
        5.0,
        public=False,
        sensitive=True,
        aliases=(
            "violacion",
            "violacion sexual",
            "violacion de la libertad sexual",
            "tocamientos indebidos",
            "actos contra el pudor",
            "acoso sexual",
            "sexual assault",
            "sexual violence",
        ),
    ),
    CategorySpec(
        "microcomercializacion_drogas",
        "Microcomercialización de drogas",
        "Small-scale drug dealing",
        2.0,
        aliases=(
            "micro comercializacion de drogas",
            "microcomercializacion",
            "trafico ilicito de drogas",
            "tid",
            "venta de drogas",
            "comercializacion de drogas",
            "drug trafficking",
        ),
    ),
    CategorySpec(
        "tenencia_ilegal_armas",
        "Tenencia ilegal de armas",
        "Illegal possession of weapons",
        3.0,
        aliases=(
            "tenencia ilegal de armas de fuego",
            "tenencia ilegal de arma de fuego",
            "posesion ilegal de armas",
            "weapons possession",
        ),
    ),
    CategorySpec(
        "danos",
        "Daños",
        "Property damage",
        1.0,
        aliases=(
            "danos materiales",
            "dano a la propiedad",
            "danos a la propiedad",
            "vandalismo",
            "mischief",
            "property damage",
        ),
    ),
    CategorySpec(
        "estafa",
        "Estafa",
        "Fraud",
        1.5,
        aliases=("fraude", "estafa telefonica", "defraudacion", "estafa agravada", "fraud"),
    ),
    CategorySpec("otros", "Otros", "Other", 1.0, aliases=("otro", "otras", "other", "others")),
)


def normalise_label(raw: str) -> str:
    """Lower-case ASCII with single spaces: 'Robo  Agravado ' and 'robo agravado' match."""
    return re.sub(r"[^a-z0-9]+", " ", fold(raw, ascii_only=True)).strip()


def categories_ensure(model: Any) -> int:
    """Create or update the shipped categories (idempotent); ``model`` may be a migration's."""
    for spec in TAXONOMY:
        model.objects.update_or_create(
            code=spec.code,
            defaults={
                "name_es": spec.name_es,
                "name_en": spec.name_en,
                "severity_weight": spec.severity_weight,
                "public": spec.public,
                "sensitive": spec.sensitive,
                "aliases": [normalise_label(alias) for alias in spec.aliases],
            },
        )
    return len(TAXONOMY)
