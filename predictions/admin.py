from django.contrib import admin

from predictions.models import Forecast, ForecastEvaluation, ModelRun, PatrolVisit, PatrolZone


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "trained_until", "pai5", "is_champion", "created_at"]
    list_filter = ["status", "kind", "is_champion"]
    readonly_fields = [f.name for f in ModelRun._meta.fields]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["shift_code", "window_start", "model_run", "issued_at", "issue_seconds"]
    exclude = ["surface"]
    readonly_fields = ["model_run", "shift_code", "window_start", "window_end", "cell_m", "grid"]


@admin.register(PatrolZone)
class PatrolZoneAdmin(admin.ModelAdmin):
    list_display = ["forecast", "district", "rank", "expected_incidents", "driver", "exploration"]
    list_filter = ["district", "driver", "exploration"]


@admin.register(PatrolVisit)
class PatrolVisitAdmin(admin.ModelAdmin):
    list_display = ["zone", "officer", "started_at", "ended_at"]


@admin.register(ForecastEvaluation)
class ForecastEvaluationAdmin(admin.ModelAdmin):
    list_display = [
        "forecast",
        "district",
        "incidents",
        "hit_rate",
        "pai",
        "pei_star",
        "baseline_pai",
    ]
