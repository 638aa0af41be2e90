from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from everyweek.api.urls import api
from everyweek.api.views import token_list
from everyweek.core import health, schedule_views
from everyweek.core import views as core_views
from everyweek.people.forms import OutboxPasswordResetForm

admin.site.site_header = "everyweek"
admin.site.site_title = "everyweek"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", core_views.set_language, name="set-language"),
    path("audit/", core_views.audit_list, name="audit"),
    path("scheduled-jobs/", schedule_views.job_list, name="scheduled-jobs"),
    path("scheduled-jobs/<slug:name>/", schedule_views.job_runs, name="scheduled-job-runs"),
    path("scheduled-jobs/<slug:name>/run/", schedule_views.run_now, name="scheduled-job-run"),
    path("account/login/", core_views.SignInView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/tokens/", token_list, name="api-tokens"),
    path("", include("everyweek.people.urls")),
    path("", include("everyweek.notifications.urls")),
    path("", include("everyweek.integrations.urls")),
    path("", include("everyweek.feedback.urls")),
    path("", include("everyweek.feedback.standards_urls")),
    path("", include("everyweek.recognition.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("", include("everyweek.listening.urls")),
    path("", include("everyweek.servicedesk.urls")),
    path("", include("everyweek.careers.urls")),
    path("", include("everyweek.week.urls")),
    path("", include("everyweek.scorecards.urls")),
    path("", include("everyweek.analysis.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.ENVIRONMENT == "demo":
    # Production serves uploaded files from the web server or object storage, not Django.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
