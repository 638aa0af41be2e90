from django.urls import path

from everyweek.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("service-desk/", views.home, name="home"),
    path("service-desk/figures/", views.figures, name="figures"),
    path("service-desk/desks/new/", views.desk_edit, name="desk-create"),
    path("service-desk/desks/<int:pk>/", views.desk_detail, name="desk"),
    path("service-desk/desks/<int:pk>/edit/", views.desk_edit, name="desk-edit"),
    path("service-desk/desks/<int:pk>/types/", views.type_add, name="type-add"),
    path("service-desk/desks/<int:pk>/notices/", views.notice_add, name="notice-add"),
    path("service-desk/types/<int:pk>/edit/", views.type_edit, name="type-edit"),
    path("service-desk/notices/<int:pk>/delete/", views.notice_delete, name="notice-delete"),
    path("service-desk/ask/<int:type_pk>/", views.request_new, name="request-new"),
    path("service-desk/requests/", views.request_list, name="requests"),
    path("service-desk/requests/<int:pk>/", views.request_detail, name="request"),
    path(
        "service-desk/requests/<int:pk>/<slug:action>/",
        views.request_action,
        name="request-action",
    ),
]
