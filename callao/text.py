"""Text folding shared by every app: the one place accents and case are taken off."""

from __future__ import annotations

import unicodedata


def fold(text: str, *, ascii_only: bool = False) -> str:
    """Lower case without accents: "Jirón" and "jiron", "MI PERÚ" and "mi peru" are the same.

    Letters with no ASCII base ("ß", "ø") are kept, unless ``ascii_only``, which drops them
    (labels and place names are matched on plain ASCII).
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.encode("ascii", "ignore").decode() if ascii_only else folded
