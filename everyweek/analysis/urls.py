from __future__ import annotations

from django.urls import path

from everyweek.analysis import views

app_name = "analysis"

urlpatterns = [
    path("analysis/", views.analysis_list, name="list"),
    path("analysis/responses/<int:response_id>/correct/", views.correct, name="correct"),
]
