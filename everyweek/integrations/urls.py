from django.urls import path

from everyweek.integrations import views

app_name = "integrations"

urlpatterns = [
    path("integrations/", views.integration_list, name="list"),
    path("integrations/new/", views.integration_create, name="create"),
    path("integrations/<int:pk>/", views.integration_detail, name="detail"),
    path("integrations/<int:pk>/import/", views.import_upload, name="upload"),
    path("integrations/agents/", views.identity_list, name="identities"),
    path("integrations/agents/<int:pk>/map/", views.identity_map, name="identity-map"),
    path("imports/<int:pk>/", views.import_job, name="job"),
    path("imports/<int:pk>/columns/", views.import_columns, name="columns"),
    path("imports/<int:pk>/problems.csv", views.import_errors, name="job-errors"),
    path("hooks/<slug:vendor>/<uuid:endpoint>/", views.webhook, name="hook"),
]
