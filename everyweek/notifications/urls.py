from django.urls import path

from everyweek.notifications import views

app_name = "notifications"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox-retry"),
    path("settings/emails/", views.preferences, name="preferences"),
]
