from __future__ import annotations

from django.urls import path

# Registers the standards, calendars and holidays in the Django admin. Imported here, before
# everyweek/urls.py builds the admin's URLs, because the app's admin.py is owned elsewhere.
from everyweek.feedback import (
    admin_standards,  # noqa: F401
    standards_views,
)

app_name = "standards"

urlpatterns = [
    path("standards/", standards_views.standard_list, name="list"),
    path("standards/<int:pk>/", standards_views.standard_detail, name="detail"),
]
