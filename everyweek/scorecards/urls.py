from __future__ import annotations

from django.urls import path

from everyweek.scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("scorecards/", views.index, name="index"),
    path("scorecards/panel/", views.panel, name="panel"),
    path("scorecards/import/", views.ingest, name="ingest"),
    path("scorecards/import/<int:pk>/", views.ingest_job, name="ingest-job"),
    path("scorecards/import/<int:pk>/problems.csv", views.ingest_errors, name="ingest-errors"),
    path("scorecards/<str:kind>/<int:pk>/", views.detail, name="detail"),
    path("scorecards/<str:kind>/<int:pk>/<str:metric>/", views.drill, name="drill"),
]
