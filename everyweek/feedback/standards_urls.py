from __future__ import annotations

from django.urls import path

from everyweek.feedback import standards_views

app_name = "standards"

urlpatterns = [
    path("standards/", standards_views.standard_list, name="list"),
    path("standards/<int:pk>/", standards_views.standard_detail, name="detail"),
]
