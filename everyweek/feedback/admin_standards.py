"""Admin screens for service standards, business calendars and their holidays.

Saving a standard, a calendar or its holidays recalculates the results of recent interactions in
the background (RECALCULATE_DAYS); older history with `everyweek evaluate_standards --all`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from everyweek.core.admin import AuditedModelAdmin
from everyweek.core.tasks import enqueue_on_commit
from everyweek.feedback.calendars import HolidayError, load_holidays, validate_weekly_hours
from everyweek.feedback.models import BusinessCalendar, Holiday, ServiceStandard
from everyweek.feedback.standards import evaluate_standards_task

RECALCULATE_DAYS = 90


def recalculate_recent_results() -> None:
    since = (timezone.now() - dt.timedelta(days=RECALCULATE_DAYS)).date().isoformat()
    enqueue_on_commit(evaluate_standards_task, since)


class BusinessCalendarForm(forms.ModelForm[BusinessCalendar]):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "country", "weekly_hours"]
        help_texts = {
            "weekly_hours": _(
                'Weekday (0 = Monday … 6 = Sunday) to shifts, e.g. {"0": [["09:00", "13:00"], '
                '["14:00", "18:00"]]}. A missing day is closed; an end before the start is a night '
                "shift that ends the next day."
            ),
            "country": _("Two-letter code used to load public holidays, e.g. IT."),
        }

    def clean_weekly_hours(self) -> Any:
        value = self.cleaned_data["weekly_hours"]
        if isinstance(value, str):  # pragma: no cover - JSONField already decodes
            value = json.loads(value)
        validate_weekly_hours(value)
        return value

    def clean_country(self) -> str:
        return str(self.cleaned_data.get("country") or "").upper()


class HolidayInline(admin.TabularInline[Holiday, BusinessCalendar]):
    model = Holiday
    extra = 1
    ordering = ["-date"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedModelAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "country"]
    search_fields = ["name"]
    inlines = [HolidayInline]
    actions = ["load_public_holidays"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recalculate_recent_results()

    @admin.action(description=_("Load public holidays for this year and next"))
    def load_public_holidays(
        self, request: HttpRequest, queryset: QuerySet[BusinessCalendar]
    ) -> None:
        year = timezone.now().year
        for calendar in queryset:
            if not calendar.country:
                self.message_user(
                    request,
                    _("%(calendar)s has no country: set one first.") % {"calendar": calendar},
                    messages.ERROR,
                )
                continue
            try:
                result = load_holidays(
                    calendar, calendar.country, [year, year + 1], actor=request.user
                )
            except HolidayError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(calendar)s: %(count)d holiday added.",
                    "%(calendar)s: %(count)d holidays added.",
                    result.created,
                )
                % {"calendar": calendar, "count": result.created},
                messages.SUCCESS,
            )
        recalculate_recent_results()


@admin.register(ServiceStandard)
class ServiceStandardAdmin(AuditedModelAdmin):
    list_display = [
        "name",
        "metric",
        "threshold_minutes",
        "calendar",
        "channel",
        "team",
        "priority",
        "target_percent",
        "is_active",
    ]
    list_filter = ["is_active", "metric", "channel", "priority", "team"]
    list_select_related = ["calendar", "team"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        recalculate_recent_results()
