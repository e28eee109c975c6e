"""Remove personal data from Spanish police narratives before any text reaches a model.

Patterns are for Peru: DNI numbers, mobile and landline phones, e-mail addresses, street
addresses and the names that narratives introduce with a cue ("el señor", "de nombre",
"agraviado", ...). Neighbourhood names (Urb., AA.HH.) are kept: they are areas, not homes.
Scrubbing errs towards removing: a lost street name costs less than a leaked DNI.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DNI = "[DNI]"
PHONE = "[TELÉFONO]"
EMAIL = "[CORREO]"
ADDRESS = "[DIRECCIÓN]"
NAME = "[NOMBRE]"
PLATE = "[PLACA]"

_UP = "A-ZÁÉÍÓÚÑÜ"
_LOW = "a-záéíóúñü"
# Capitalised words that start a clause rather than continue a name.
_NOT_NAME = (
    r"(?!(?:El|La|Los|Las|En|De|Del|Al|Y|E|Que|Con|Por|Para|Se|Su|Sus|Quien|Cuando"
    r"|Sr|Sra|Srta|Don|Doña)\b)"
)
# Street names do start with articles ("Calle Los Olivos"), so fewer words are excluded.
_NOT_STREET = (
    r"(?!(?:En|Que|Con|Por|Para|Se|Su|Sus|Quien|Cuando|Donde"
    r"|Nro|Int|Interior|Dpto|Mz|Lt|Lote|Piso|Block|Bloque|Cdra|Cuadra|Km)\b)"
)
_NAME_WORD = rf"{_NOT_NAME}(?:[{_UP}][{_LOW}]+|[{_UP}]{{2,}})\b"
_PARTICLE = r"(?:de\s+las|de\s+los|de\s+la|del|de)"
_FULL_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,4}}"
_TWO_NAMES = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,4}}"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"\(?\+51\)?[\s-]?9\d{2}[\s-]?\d{3}[\s-]?\d{3}\b"  # +51 987 654 321
    r"|\(?\+51\)?[\s-]?\(?0?1\)?[\s-]?\d{3}[\s-]?\d{4}\b"  # +51 1 456 7890
    r"|\b9\d{2}[\s-]?\d{3}[\s-]?\d{3}\b"  # 987654321, 987-654-321
    r"|\(0?1\)[\s-]?\d{3}[\s-]?\d{4}\b"  # (01) 456-7890
    r"|\b01[\s-]\d{3}[\s-]?\d{4}\b"  # 01-456-7890
    r"|\(0\d{2}\)[\s-]?\d{6}\b"  # (044) 123456, outside Lima
    r"|\b[2-7]\d{2}-\d{4}\b"  # 456-7890
)
_DNI = re.compile(r"\b\d{8}(?:-\d)?\b")
_PLATE = re.compile(
    r"(?i:\bplaca(?:\s+de\s+rodaje)?(?:\s+(?:N[°º]\.?|Nro\.?))?\s+)([A-Z0-9]{3}-?\d{3,4})\b"
    r"|\b(?=[A-Z0-9]{0,2}[A-Z])[A-Z0-9]{3}-\d{3}\b"
)

_ADDRESS_CUE = (
    r"(?i:\b(?:av(?:enida)?\.?|jr\.|jir[oó]n|calle|psje\.?|pje\.|pasaje|mz\.?|manzana"
    r"|lote|lt\.?|prolongaci[oó]n|prol\.))"
)
_ADDRESS_TOKEN = (
    rf"(?:[{_UP}]\.(?=\s+[{_UP}])"  # an initial: Av. José C. Mariátegui
    rf"|{_NOT_STREET}[{_UP}][\w'’-]+(?!\.\w)"  # noqa: RUF001 (a word, not the AA of AA.HH.)
    r"|[A-Z]\b(?![°º.])"  # a block letter: Mz. B
    r"|\d+[A-Za-z]?)"
)
_ADDRESS_CONNECTOR = r"(?:de\s+la|de\s+los|de\s+las|del|de|la|las|los|el)"
_ADDRESS_DETAIL = (
    r"(?:\s*,?\s*(?i:N[°º]\.?|Nro\.?|n[uú]m(?:ero)?\.?|\#|cdra\.?|cuadra|mz\.?|manzana|lt\.?"
    r"|lote|int\.?|interior|dpto\.?|departamento|piso|block|bloque|km)\s*(?:\d+[A-Za-z]?|[A-Z]\b)"
    r"|\s+(?:\d+[A-Za-z]?|s/n)\b)"
)
_ADDRESS_WORD = rf"(?:{_ADDRESS_CONNECTOR}\s+)?{_ADDRESS_TOKEN}"
_ADDRESS = re.compile(rf"{_ADDRESS_CUE}\s*{_ADDRESS_WORD}(?:\s+{_ADDRESS_WORD})*{_ADDRESS_DETAIL}*")

_TITLE_CUE = r"(?i:\b(?:se[ñn]or(?:ita|a)?|sr(?:ta|a)?\.|don|do[ñn]a))"
_INTRO_CUE = (
    r"(?i:\b(?:de\s+nombres?|identificad[oa]s?\s+como|quien\s+dijo\s+llamarse"
    r"|quien\s+se\s+identific[oó]\s+como|conocid[oa]\s+como|llamad[oa]))"
)
_ROLE_CUE = (
    r"(?i:\b(?:agraviad[oa]s?|denunciantes?|detenid[oa]s?|intervenid[oa]s?|v[ií]ctima|testigo"
    r"|su\s+(?:hij[oa]|espos[oa]|conviviente|madre|padre|herman[oa]))(?:\s*\([oa]\))?)"
)
_NAMES = re.compile(
    rf"(?P<cue>{_TITLE_CUE}|{_INTRO_CUE})(?P<gap>\s*[,:]?\s*)(?P<name>{_FULL_NAME})"
    rf"|(?P<role>{_ROLE_CUE})(?P<rgap>\s*[,:]?\s*)(?P<rname>{_TWO_NAMES})"
)
_ALIAS = re.compile(r"(?i:\balias)\s+[\"'“«]?[\w-]+[\"'”»]?")


def _keep_cue(match: re.Match[str]) -> str:
    if match["cue"] is not None:
        return f"{match['cue']}{match['gap']}{NAME}"
    return f"{match['role']}{match['rgap']}{NAME}"


def _plate(match: re.Match[str]) -> str:
    if match[1] is None:
        return PLATE
    return match[0][: match.start(1) - match.start(0)] + PLATE


_STEPS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Order matters: an e-mail holds digits, and a phone must go before its 8-digit tail
    # could be read as a DNI.
    (_EMAIL, EMAIL),
    (_PHONE, PHONE),
    (_DNI, DNI),
    (_PLATE, _plate),
    (_ADDRESS, ADDRESS),
    (_NAMES, _keep_cue),
    (_ALIAS, f"alias {NAME}"),
)


def scrub(text: str) -> str:
    """``text`` with personal data replaced by tags such as [DNI] and [NOMBRE]."""
    for pattern, replacement in _STEPS:
        text = pattern.sub(replacement, text)
    return text
