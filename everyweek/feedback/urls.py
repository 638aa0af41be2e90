from django.urls import path

from everyweek.feedback import public_views, views

app_name = "feedback"

urlpatterns = [
    # Staff
    path("feedback/", views.response_list, name="list"),
    path("feedback/<int:pk>/", views.response_detail, name="detail"),
    path("feedback/follow-ups/", views.case_list, name="cases"),
    path("feedback/follow-ups/<int:pk>/", views.case_detail, name="case-detail"),
    path("feedback/follow-ups/<int:pk>/note/", views.case_add_note, name="case-note"),
    path("feedback/follow-ups/<int:pk>/update/", views.case_update, name="case-update"),
    path("feedback/follow-ups/<int:pk>/recovery/", views.case_recovery, name="case-recovery"),
    # Customers (no sign-in; the signed link is the key)
    path("s/embed/<str:source>/<str:external_id>/", public_views.embed, name="embed"),
    path("s/<str:token>/", public_views.survey, name="survey"),
    path("s/<str:token>/more/", public_views.survey_more, name="survey-more"),
    path("s/<str:token>/thanks/", public_views.survey_thanks, name="survey-thanks"),
    path("s/<str:token>/unsubscribe/", public_views.unsubscribe, name="unsubscribe"),
    path(
        "s/<str:token>/unsubscribe/one-click/",
        public_views.unsubscribe_one_click,
        name="unsubscribe-one-click",
    ),
]
