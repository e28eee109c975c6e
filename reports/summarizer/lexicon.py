"""Words of Callao police narratives: stop words and the keywords themes are described by.

Everything here is matched on text folded to lowercase without accents (see :func:`fold`),
so patterns are written without accents too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The project's one folding helper (callao/text.py), also importable from here.
from callao.text import fold as fold


@dataclass(frozen=True)
class Keyword:
    label: str  # Spanish, as shown in reports
    english: str
    patterns: tuple[str, ...]

    def found_in(self, folded_text: str) -> bool:
        return any(re.search(p, folded_text) for p in self.patterns)


MODUS_OPERANDI = (
    Keyword("arrebato", "snatching", (r"arrebat", r"\bjalon", r"\bjal(o|aron)\b")),
    Keyword(
        "a mano armada",
        "at gunpoint",
        (r"mano armada", r"arma de fuego", r"pistola", r"revolver", r"encanon", r"apunt\w+ con"),
    ),
    Keyword("arma blanca", "with a knife", (r"arma blanca", r"cuchillo", r"navaja", r"chaveta")),
    Keyword("en moto", "on a motorcycle", (r"\bmotos?\b", r"motocicleta", r"motorizad", r"lineal")),
    Keyword("en mototaxi", "in a mototaxi", (r"mototaxi",)),
    Keyword("en auto", "from a car", (r"\bautos?\b", r"automovil", r"\btaxi\b", r"camioneta")),
    Keyword("cogoteo", "chokehold", (r"cogote",)),
    Keyword(
        "en grupo",
        "in a group",
        (
            r"\bbanda\b",
            r"\bpandill",
            r"\b(dos|tres|cuatro|varios|grupo de) (sujetos|delincuentes|individuos|desconocidos)",
        ),
    ),
    Keyword("al descuido", "pickpocketing", (r"descuido", r"sin que se percat", r"bolsillo")),
    Keyword(
        "escalamiento",
        "break-in",
        (r"\bescal", r"forz\w+ (la |el )?(puerta|ventana|cerradura|candado)", r"fractur"),
    ),
    Keyword("raqueteo", "gang mugging", (r"raquete",)),
    Keyword("marcaje", "targeting after a bank visit", (r"marcaje",)),
    Keyword("estafa", "fraud", (r"estaf", r"\bcuento del\b", r"engan")),
    Keyword("extorsión", "extortion", (r"extorsi", r"cobro de cupo")),
)

TIMES_OF_DAY = (
    Keyword("madrugada", "early morning", (r"madrugada",)),
    Keyword("mañana", "morning", (r"(de|por|en) la manana",)),
    Keyword("tarde", "afternoon", (r"(de|por|en) la tarde",)),
    Keyword("noche", "night", (r"\bnoche", r"nocturn")),
)

PLACE_TYPES = (
    Keyword("paradero", "bus stop", (r"paradero",)),
    Keyword("mercado", "market", (r"mercado",)),
    Keyword(
        "transporte público",
        "public transport",
        (r"\bcombi\b", r"\bbus\b", r"\bmicro\b", r"custer", r"coaster", r"transporte publico"),
    ),
    Keyword("vivienda", "home", (r"domicilio", r"vivienda", r"\bcasa\b", r"inmueble")),
    Keyword(
        "comercio",
        "shop",
        (r"\btienda", r"\bbodega", r"local comercial", r"\bnegocio", r"restaurante", r"farmacia"),
    ),
    Keyword(
        "vía pública",
        "street",
        (r"via publica", r"\bcalle\b", r"avenida", r"\bav\.", r"\bjiron\b", r"esquina", r"cuadra"),
    ),
    Keyword("parque", "park", (r"\bparque\b", r"\bplaza\b")),
    Keyword("grifo", "petrol station", (r"\bgrifo\b", r"estacion de servicio")),
    Keyword("colegio", "school", (r"colegio", r"escuela", r"institucion educativa")),
    Keyword("puerto", "port", (r"\bpuerto\b", r"\bmuelle\b", r"terminal portuari")),
    Keyword("banco o cajero", "bank or cash machine", (r"\bbanco\b", r"cajero", r"agente banc")),
    Keyword("playa", "beach", (r"\bplaya\b",)),
)

ENGLISH = {k.label: k.english for k in (*MODUS_OPERANDI, *TIMES_OF_DAY, *PLACE_TYPES)}

_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b")
_AT_HOUR = re.compile(r"\ba las? (\d{1,2})\b(?!:)\s*(a\.? ?m\b\.?|p\.? ?m\b\.?)?")


def hours_mentioned(folded_text: str) -> list[int]:
    """Clock hours written in a narrative: "21:30 horas", "a las 9 p.m.", "08h15"."""
    hours = [int(m[1]) for m in _CLOCK.finditer(folded_text)]
    for match in _AT_HOUR.finditer(folded_text):
        hour = int(match[1])
        if hour > 23:
            continue
        if match[2] and match[2].startswith("p") and hour < 12:
            hour += 12
        hours.append(hour)
    return hours


def time_of_day(hour: int) -> str:
    """The part of the day an hour belongs to, as Callao police narratives name them."""
    if hour < 6:
        return "madrugada"
    if hour < 12:
        return "mañana"
    if hour < 19:
        return "tarde"
    return "noche"


# Folded (no accents), since the vectoriser folds before it drops stop words. The second
# half is police boilerplate and the scrubber's tags, which every narrative shares.
_STOP_WORDS_TEXT = """
    a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui
    asi aun aunque cada como con contra cual cuales cuando cuanto de del desde donde dos durante
    e el ella ellas ello ellos en entre era eran es esa esas ese eso esos esta estaba estaban
    estado estan estar este esto estos fue fueron ha habia habian han hasta hay la las le les lo
    los mas me mi mientras muy nada ni no nos nosotros o otra otras otro otros para pero poco por
    porque que quien quienes se sea ser si sido sin sobre solo son su sus tambien tan tanto te
    tenia tiene tienen todo todos tras tu tuvo un una uno unos unas usted ya y yo
    aprox aproximadamente circunstancias cuanto dia dias dicho dijo fecha hecho hechos hora horas
    hrs indica indico lugar manifiesta manifesto momento mismo misma persona personas pnp refiere
    refirio senala senalo siendo sujeto sujetos desconocido desconocidos desconocida individuo
    individuos comisaria denuncia denuncio denunciante agraviado agraviada agraviados victima
    senor senora sr sra interviene intervenido policia policial efectivos
    dni telefono correo direccion nombre placa
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
