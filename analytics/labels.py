"""Names and colours of what the analyses report, in the active language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# ArcGIS's Emerging Hot Spot Analysis categories (forecasting.analysis.hotspots), with the
# colours its legend uses: reds for hot, blues for cold, darker for more persistent.
HOTSPOT_CATEGORIES: dict[str, tuple[Promise, str]] = {
    "new_hot": (_("New hot spot"), "#fca5a5"),
    "consecutive_hot": (_("Consecutive hot spot"), "#f87171"),
    "intensifying_hot": (_("Intensifying hot spot"), "#b91c1c"),
    "persistent_hot": (_("Persistent hot spot"), "#dc2626"),
    "diminishing_hot": (_("Diminishing hot spot"), "#ef4444"),
    "sporadic_hot": (_("Sporadic hot spot"), "#fecaca"),
    "oscillating_hot": (_("Oscillating hot spot"), "#f97316"),
    "historical_hot": (_("Historical hot spot"), "#fdba74"),
    "new_cold": (_("New cold spot"), "#93c5fd"),
    "consecutive_cold": (_("Consecutive cold spot"), "#60a5fa"),
    "intensifying_cold": (_("Intensifying cold spot"), "#1d4ed8"),
    "persistent_cold": (_("Persistent cold spot"), "#2563eb"),
    "diminishing_cold": (_("Diminishing cold spot"), "#3b82f6"),
    "sporadic_cold": (_("Sporadic cold spot"), "#bfdbfe"),
    "oscillating_cold": (_("Oscillating cold spot"), "#6366f1"),
    "historical_cold": (_("Historical cold spot"), "#a5b4fc"),
    "no_pattern": (_("No pattern detected"), "#e5e7eb"),
}


def hotspot_label(code: str) -> str:
    return str(HOTSPOT_CATEGORIES.get(code, (code, ""))[0])
