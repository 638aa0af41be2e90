from django.urls import path

from everyweek.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="list"),
    path("people/new/", views.person_edit, name="create"),
    path("people/import/", views.person_import, name="import"),
    path("people/import/errors.csv", views.person_import_errors, name="import-errors"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    path("people/<int:pk>/invite/", views.person_invite, name="invite"),
    path("organisation/", views.organisation, name="organisation"),
    path("account/profile/", views.profile, name="profile"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation-accept"),
]
