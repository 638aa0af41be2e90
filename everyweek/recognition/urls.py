from __future__ import annotations

from django.urls import path

from everyweek.recognition import views, views_programmes

app_name = "recognition"

urlpatterns = [
    path("recognition/", views.kudos_list, name="kudos-list"),
    path("recognition/give/", views.give, name="give"),
    path("recognition/kudos/<int:pk>/", views.kudos_detail, name="kudos"),
    path("recognition/kudos/<int:pk>/edit/", views.kudos_edit, name="kudos-edit"),
    path("recognition/kudos/<int:pk>/withdraw/", views.kudos_withdraw, name="kudos-withdraw"),
    path("recognition/kudos/<int:pk>/react/", views.kudos_react, name="kudos-react"),
    path("recognition/kudos/<int:pk>/comment/", views.kudos_comment, name="kudos-comment"),
    path("recognition/praise/", views.praise_list, name="praise"),
    path("recognition/praise/<int:pk>/", views.commendation_detail, name="commendation"),
    path("recognition/praise/<int:pk>/thank/", views.thank, name="thank"),
    path("recognition/praise/<int:pk>/wall/", views.commendation_wall, name="commendation-wall"),
    path("recognition/praise/<int:pk>/card.png", views.commendation_card, name="card"),
    path("recognition/notifications/", views.notifications, name="notifications"),
    path("recognition/wall/", views.wall, name="wall"),
    path("recognition/wall/team/<int:pk>/", views.team_wall, name="team-wall"),
    path("recognition/points/", views.points, name="points"),
    path("recognition/points/boost/", views.boost, name="boost"),
    path("recognition/rewards/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("recognition/redemptions/", views.redemptions, name="redemptions"),
    path("recognition/redemptions/<int:pk>/decide/", views.decide, name="decide"),
    path("recognition/awards/", views_programmes.award_list, name="awards"),
    path("recognition/awards/<int:pk>/", views_programmes.award_detail, name="award"),
    path(
        "recognition/awards/<int:pk>/publish/", views_programmes.award_publish, name="award-publish"
    ),
    path(
        "recognition/nominations/<int:pk>/score/", views_programmes.award_score, name="award-score"
    ),
    path(
        "recognition/nominations/<int:pk>/certificate.pdf",
        views_programmes.certificate,
        name="certificate",
    ),
    path("recognition/raffles/", views_programmes.raffle_list, name="raffles"),
    path("recognition/raffles/<int:pk>/", views_programmes.raffle_detail, name="raffle"),
    path("recognition/raffles/<int:pk>/draw/", views_programmes.raffle_draw, name="raffle-draw"),
    path("recognition/goals/", views_programmes.goals, name="goals"),
    path(
        "recognition/goals/<int:pk>/progress/", views_programmes.goal_progress, name="goal-progress"
    ),
    path("recognition/indices/", views_programmes.indices_page, name="indices"),
    path("recognition/parity/", views_programmes.parity_page, name="parity"),
    path(
        "recognition/top-performers/",
        views_programmes.top_performers_page,
        name="top-performers",
    ),
    path(
        "recognition/top-performers/<int:pk>/thank/",
        views_programmes.top_performer_thank,
        name="top-performer-thank",
    ),
    # Customers (no sign-in; the signed link names the person or team)
    path("thank/<str:token>/", views.public_kudos, name="public-kudos"),
]
