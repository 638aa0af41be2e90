from __future__ import annotations

from django.urls import path

from everyweek.week import views

app_name = "week"

urlpatterns = [
    path("week/", views.index, name="index"),
    path("week/start/", views.start_year, name="start"),
    path("week/calendar/", views.calendar_page, name="calendar"),
    path("week/calendar/rotate/", views.calendar_rotate, name="calendar-rotate"),
    path("week/feed/<str:token>.ics", views.feed, name="feed"),
    path("week/backlog/", views.backlog, name="backlog"),
    path("week/backlog/<int:pk>/", views.backlog_update, name="backlog-update"),
    path("week/51-weeks/", views.fifty_one_weeks, name="fifty-one"),
    path("week/events/<int:pk>/", views.event_detail, name="event"),
    path("week/events/<int:pk>/attend/", views.event_attend, name="event-attend"),
    path("week/events/<int:pk>/delete/", views.event_delete, name="event-delete"),
    path("week/sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("week/slots/<int:pk>/sign-up/", views.slot_signup, name="slot-signup"),
    path("week/signups/<int:pk>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("week/contests/<int:pk>/", views.contest_detail, name="contest"),
    path("week/contests/<int:pk>/enter/", views.contest_enter, name="contest-enter"),
    path("week/contests/<int:pk>/close/", views.contest_close, name="contest-close"),
    path("week/entries/<int:pk>/score/", views.entry_score, name="entry-score"),
    path("week/entries/<int:pk>/backlog/", views.entry_to_backlog, name="entry-backlog"),
    path("week/coverage/<int:pk>/", views.coverage_toggle, name="coverage-toggle"),
    path("week/surprises/<int:pk>/build/", views.surprise_build, name="surprise-build"),
    path("week/fulfilments/<int:pk>/sent/", views.fulfilment_sent, name="fulfilment-sent"),
    path("week/found/<str:code>/", views.found, name="found"),
    path("week/<int:year>/", views.programme, name="programme"),
    path("week/<int:year>/plan/", views.plan, name="plan"),
    path("week/<int:year>/events/new/", views.event_edit, name="event-new"),
    path("week/<int:year>/events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("week/<int:year>/sheets/new/", views.sheet_add, name="sheet-new"),
    path("week/<int:year>/contests/", views.contests, name="contests"),
    path("week/<int:year>/sponsors/", views.sponsors, name="sponsors"),
    path("week/<int:year>/coverage/", views.coverage, name="coverage"),
    path("week/<int:year>/coverage/notice/", views.customer_notice, name="notice"),
    path("week/<int:year>/tips/", views.tips, name="tips"),
    path("week/<int:year>/tips/booklet.pdf", views.tips_booklet, name="booklet"),
    path("week/<int:year>/wall/", views.wall, name="wall"),
    path("week/<int:year>/wall/slideshow/", views.slideshow, name="slideshow"),
    path("week/<int:year>/surprises/", views.surprises, name="surprises"),
    path("week/<int:year>/hunt/", views.hunt, name="hunt"),
    path("week/<int:year>/hunt/print/", views.hunt_print, name="hunt-print"),
    path("week/<int:year>/retro/", views.retro, name="retro"),
    path("week/<int:year>/ideas/", views.ideas_library, name="ideas"),
]
