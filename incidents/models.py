from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from incidents.querysets import (
    SYNTHETIC_SOURCE,
    CategorySuggestionQuerySet,
    CrimeCategoryQuerySet,
    DistrictQuerySet,
    IncidentQuerySet,
)

__all__ = [
    "SYNTHETIC_SOURCE",
    "CategoryClassifier",
    "CategorySuggestion",
    "ClassifierStatus",
    "CrimeCategory",
    "Dataset",
    "DatasetStatus",
    "District",
    "DistrictPart",
    "Incident",
    "Origin",
    "Sector",
    "SuggestionReason",
    "SuggestionStatus",
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


class ClassifierStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class CategoryClassifier(models.Model):
    """One nightly training of the narrative classifier (``forecasting.classify``).

    Versioned like the forecasting model runs: a row is ``running`` before any work, the
    artifact is written under a temporary name and renamed, and only then is the row marked
    ``succeeded`` and made ``is_current`` (one at a time), in one transaction.
    """

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClassifierStatus.choices,
        default=ClassifierStatus.RUNNING,
    )
    trained_until = models.DateTimeField(_("trained until"))
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    n_train = models.PositiveIntegerField(_("training narratives"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    classes = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    # {"held_out": ClassifierEvaluation.to_dict(), "unseen_templates": ...}
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    macro_f1 = models.FloatField(_("macro-F1 (held out)"), null=True, blank=True)
    synthetic = models.BooleanField(_("trained on simulated data"), default=False)
    artifact = models.CharField(_("artifact file"), max_length=500, blank=True)
    library_version = models.CharField(_("library version"), max_length=20, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    is_current = models.BooleanField(_("in use"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("narrative classifier")
        verbose_name_plural = _("narrative classifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["trained_until", "data_fingerprint"],
                condition=~Q(status="failed"),
                name="categoryclassifier_unique_cutoff_data",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="categoryclassifier_one_current",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="succeeded"),
                name="categoryclassifier_current_succeeded",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} @ {self.trained_until:%Y-%m-%d} ({self.status})"


class SuggestionReason(models.TextChoices):
    MISSING = "missing", _("No category in the file")
    UNKNOWN = "unknown", _("Category not recognised")
    OTHER = "other", _("Filed as 'other'")
    DISPUTED = "disputed", _("Stated category disputed")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class CategorySuggestion(models.Model):
    """The classifier's category for one incident, kept beside what the source said.

    An import never replaces a file's category: rows whose category is missing, unknown or
    "otros" are stored as "otros" with the file's label in ``stated_label`` and the
    classifier's guess here; an admin may accept it. The nightly training also records the
    incidents whose stated category it strongly disputes (``reason="disputed"``) for review.
    """

    # No database constraint: a foreign key pointing at the incident table would stop bulk
    # imports from swapping in their indexed copy of it (importing/load_table.py).
    incident = models.OneToOneField(
        Incident,
        on_delete=models.CASCADE,
        related_name="category_suggestion",
        db_constraint=False,
    )
    dataset = models.ForeignKey(
        Dataset,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="category_suggestions",
    )
    classifier = models.ForeignKey(
        CategoryClassifier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SuggestionReason.choices)
    stated_label = models.CharField(_("category in the source"), max_length=200, blank=True)
    category = models.ForeignKey(
        CrimeCategory,
        verbose_name=_("suggested category"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    probability = models.FloatField(_("probability"))
    # The classifier's probability of the category the incident has (disputes only).
    stated_probability = models.FloatField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="category_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_default=Now())

    objects = CategorySuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("category suggestion")
        verbose_name_plural = _("category suggestions")
        indexes = [
            models.Index(fields=["dataset", "status"], name="suggestion_dataset_status"),
            models.Index(fields=["reason", "status"], name="suggestion_reason_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=1),
                name="suggestion_probability_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.category_id} ({self.probability:.0%})"
