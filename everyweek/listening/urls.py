from django.urls import path

from everyweek.listening import views

app_name = "listening"

urlpatterns = [
    path("listening/", views.home, name="home"),
    path("listening/cadence/", views.cadence, name="cadence"),
    path("listening/sessions/new/", views.schedule, name="schedule"),
    path("listening/sessions/<int:pk>/", views.session_detail, name="session"),
    path("listening/sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("listening/sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("listening/sessions/<int:pk>/record/", views.session_record, name="session-record"),
    path("listening/sessions/<int:pk>/invite.ics", views.session_ics_download, name="session-ics"),
    path("listening/sessions/<int:pk>/questions/", views.question_ask, name="question-ask"),
    path("listening/sessions/<int:pk>/actions/", views.action_add, name="action-add"),
    path("listening/questions/<int:pk>/answer/", views.question_answer, name="question-answer"),
    path("listening/actions/", views.action_list, name="actions"),
    path("listening/actions/<int:pk>/", views.action_detail, name="action"),
    path("listening/leaders/", views.leaders, name="leaders"),
]
