from __future__ import annotations

from django.contrib import admin

from everyweek.week import models


@admin.register(models.Celebration)
class CelebrationAdmin(admin.ModelAdmin):
    list_display = ["year", "starts_on", "ends_on", "theme"]
    readonly_fields = ["starts_on", "ends_on", "copied_from", "wall_key"]
    filter_horizontal = ["organisers"]


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "celebration", "starts_at", "audience", "host"]
    list_filter = ["celebration", "audience"]
    search_fields = ["title"]


@admin.register(models.BacklogItem)
class BacklogItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "celebration"]
    list_filter = ["status"]
    search_fields = ["title"]


for model in [
    models.SignupSheet,
    models.Contest,
    models.DaySponsor,
    models.CoverageSlot,
    models.ServiceTip,
    models.ThankYou,
    models.SurpriseRule,
    models.ShirtSwap,
    models.HuntItem,
    models.RetroNote,
]:
    admin.site.register(model)
