from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """One of Callao's districts, identified by its INEI UBIGEO code."""

    ubigeo = models.CharField(_("UBIGEO"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=120, blank=True)
    geometry = models.MultiPolygonField(_("boundary"), srid=4326)
    source = models.CharField(_("source"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["ubigeo"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name
