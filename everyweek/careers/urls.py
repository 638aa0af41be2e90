from django.urls import path

from everyweek.careers import views

app_name = "careers"

urlpatterns = [
    path("careers/", views.mine, name="mine"),
    path("careers/ladder/", views.ladder, name="ladder"),
    path("careers/team/", views.team, name="team"),
    path("careers/pay-bands/", views.pay_bands, name="pay-bands"),
    path("careers/people/<int:pk>/", views.person_progress, name="person"),
    path("careers/people/<int:pk>/assess/", views.assess, name="assess"),
    path("careers/people/<int:pk>/level/", views.place, name="place"),
]
