from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from incidents.querysets import (
    SYNTHETIC_SOURCE,
    CrimeCategoryQuerySet,
    DistrictQuerySet,
    IncidentQuerySet,
)

__all__ = [
    "SYNTHETIC_SOURCE",
    "CrimeCategory",
    "Dataset",
    "DatasetStatus",
    "District",
    "DistrictPart",
    "Incident",
    "Origin",
    "Sector",
]


class District(models.Model):
    """One of Callao's districts, identified by its INEI UBIGEO code."""

    ubigeo = models.CharField(_("UBIGEO"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=120, blank=True)
    geometry = models.MultiPolygonField(_("boundary"), srid=4326)
    source = models.CharField(_("source"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Inhabitants, for rates per 10,000 (loaded by ``import_population``; null until then).
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["ubigeo"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.ubigeo,)


class DistrictPart(models.Model):
    """A district cut into small pieces (ST_Subdivide): fast point-in-polygon in SQL and in the
    importer, which tests points against these very pieces.

    Rebuilt by ``boundaries_import``; never edited by hand.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="parts")
    geometry = models.PolygonField(srid=4326)

    class Meta:
        verbose_name = _("district part")
        verbose_name_plural = _("district parts")


class Sector(models.Model):
    """A patrol sector inside a district, uploaded from a boundary file like districts."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="sectors"
    )
    geometry = models.MultiPolygonField(_("boundary"), srid=4326)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["district__ubigeo", "code"]
        verbose_name = _("patrol sector")
        verbose_name_plural = _("patrol sectors")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class CrimeCategory(models.Model):
    """A crime modality. ``sensitive`` ones never appear in public outputs."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("Spanish name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    severity_weight = models.FloatField(_("severity weight"), default=1.0)
    public = models.BooleanField(_("shown in public reports"), default=True)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    aliases = ArrayField(
        models.CharField(max_length=120),
        verbose_name=_("aliases"),
        default=list,
        blank=True,
        help_text=_("Other spellings found in source files, matched without accents or case."),
    )

    objects = CrimeCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("crime category")
        verbose_name_plural = _("crime categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(public=True, sensitive=True),
                name="sensitive_categories_are_not_public",
            )
        ]

    def __str__(self) -> str:
        return self.name_es


class Origin(models.TextChoices):
    VICTIM_REPORT = "victim_report", _("Victim report")
    CITIZEN_CALL = "citizen_call", _("Citizen call")
    OFFICER_INITIATED = "officer_initiated", _("Officer initiated")


class DatasetStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
    DUPLICATE = "duplicate", _("Same file already imported")


class Dataset(models.Model):
    """One uploaded file of incidents and what its import did."""

    file = models.FileField(_("file"), upload_to="datasets/%Y/%m/", max_length=500)
    original_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(_("size in bytes"), default=0)
    source = models.CharField(_("source"), max_length=100)
    default_origin = models.CharField(
        _("default origin"), max_length=20, choices=Origin.choices, default=Origin.VICTIM_REPORT
    )
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DatasetStatus.choices, default=DatasetStatus.UPLOADED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("duplicate rows"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected rows"), default=0)
    rejection_summary = models.JSONField(_("rejections by reason"), default=dict, blank=True)
    error_report = models.FileField(
        _("error report"), upload_to="datasets/errors/%Y/%m/", blank=True, max_length=500
    )
    message = models.TextField(_("message"), blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            DatasetStatus.IMPORTED,
            DatasetStatus.FAILED,
            DatasetStatus.DUPLICATE,
        }


class Incident(models.Model):
    """One reported crime: when, where, what, and where the record came from."""

    # Byte-order collation: identifiers, not words. Their unique index builds 1.5 times faster
    # in a bulk import and equality is the same.
    source = models.CharField(_("source"), max_length=100, db_collation="C")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_collation="C")
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    location = models.PointField(_("location"), srid=4326)
    # No single-column indexes on district and category: the (x, occurred_at) indexes serve
    # both, and every index costs time on a million-row import.
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    category = models.ForeignKey(
        CrimeCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    narrative = models.TextField(_("narrative"), blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), null=True, blank=True)
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # md5 of time, place (1e-6°) and category: the same event loaded twice is one incident.
    fingerprint = models.UUIDField(editable=False)
    # The database default lets bulk COPY leave the column out (one timestamp parse less a row).
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_default=Now())

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], name="incident_unique_fingerprint"),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="incident_unique_source_external_id",
            ),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=5),
                name="incident_severity_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="incident_occurred_at"),
            models.Index(fields=["district", "occurred_at"], name="incident_district_time"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_time"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.occurred_at:%Y-%m-%d %H:%M}"
