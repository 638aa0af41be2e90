"""The customer's survey pages: no sign-in, the signed link is the key.

Flow: `/s/<token>/` asks the scores → `/s/<token>/more/` asks what is left, the reasons for a low
score and a comment → `/s/<token>/thanks/`. Answering again updates the same response.

A score clicked in the email arrives as a GET (`?score=9`). GETs never store anything: link
scanners in mail systems fetch every link in a message, and storing on GET would let them
answer for the customer (all eleven scores, the last one winning). Instead the page shows the
chosen score with a one-tap "Send" button, and a small script presses it at once in a real
browser, so for the customer the score is recorded straight from the email and the next page
asks for the comment. (The one GET write is `opened_at`, a statistic, stamped once.)

Every page is rate-limited per client address through the shared cache (SURVEY_RATE_LIMIT
requests per SURVEY_RATE_WINDOW seconds, from EVERYWEEK_SURVEY_RATE_LIMIT / _WINDOW; 0 = off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from everyweek.api import ratelimit
from everyweek.env import envint
from everyweek.feedback import invitations, services
from everyweek.feedback.forms import CommentForm, ScoreForm
from everyweek.feedback.invitations import ExpiredLink, InvalidLink
from everyweek.feedback.models import (
    FeedbackSettings,
    Interaction,
    SurveyInvitation,
    SurveyResponse,
    SurveyText,
)
from everyweek.feedback.selectors import is_unhappy
from everyweek.people.models import Person

SURVEY_RATE_LIMIT = envint("EVERYWEEK_SURVEY_RATE_LIMIT", 60)
SURVEY_RATE_WINDOW = envint("EVERYWEEK_SURVEY_RATE_WINDOW", 60)

SCALE_ENDS = {
    "nps": (_("Not at all likely"), _("Extremely likely")),
    "csat": (_("Very dissatisfied"), _("Very satisfied")),
    "ces": (_("Very difficult"), _("Very easy")),
}

View = Callable[..., HttpResponse]


def _limit() -> ratelimit.Limit:
    count = getattr(settings, "SURVEY_RATE_LIMIT", SURVEY_RATE_LIMIT)
    window = getattr(settings, "SURVEY_RATE_WINDOW", SURVEY_RATE_WINDOW)
    return ratelimit.Limit("survey", count, max(1, window))


def _request_language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "") or request.POST.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else translation.get_language() or "en"


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    status: int = 200,
) -> HttpResponse:
    with translation.override(language):
        response = render(request, template, {"language": language, **context}, status=status)
    response["Content-Language"] = language
    # The link is the customer's key: keep it out of shared caches and search engines.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def rate_limited(view: View) -> View:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = ratelimit.hit(_limit(), f"survey:{ratelimit.client_ip(request)}")
        if retry_after is not None:
            response = _page(
                request,
                "feedback/public/rate_limited.html",
                {"retry_after": retry_after},
                language=_request_language(request),
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _invalid(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "feedback/public/invalid.html",
        {"expired": False},
        language=_request_language(request),
        status=400,
    )


def _expired(request: HttpRequest, invitation: SurveyInvitation) -> HttpResponse:
    return _page(
        request,
        "feedback/public/invalid.html",
        {"expired": True},
        language=invitation.language or "en",
        status=410,
    )


def _open(
    request: HttpRequest, token: str, *, allow_expired: bool = False, lean: bool = False
) -> SurveyInvitation | HttpResponse:
    try:
        return invitations.read_token(token, allow_expired=allow_expired, lean=lean)
    except InvalidLink:
        return _invalid(request)
    except ExpiredLink as exc:
        return _expired(request, exc.invitation)


class SurveyContext:
    """What every survey page needs: the wording in the chosen language and the switcher."""

    def __init__(self, request: HttpRequest, invitation: SurveyInvitation, token: str) -> None:
        self.invitation = invitation
        self.survey = invitation.survey
        self.token = token
        # Only the language codes here: an answer that is stored and redirected needs no more
        # (the answer's lean read brings them with the invitation).
        self.languages = invitations.survey_languages(self.survey)
        wanted = request.GET.get("lang", "") or request.POST.get("lang", "")
        self.language = (
            wanted
            if wanted in self.languages
            else invitations.pick_language(self.languages, invitation.language)
        )

    @cached_property
    def text(self) -> SurveyText:
        """The wording, loaded when a page is rendered."""
        return invitations.text_for(self.survey, self.language)

    @cached_property
    def agent(self) -> Person | None:
        agent = self.invitation.interaction.agent if self.survey.show_agent else None
        return agent if agent is not None and agent.is_active else None

    def switcher(self) -> list[dict[str, Any]]:
        items = []
        for code in self.languages:
            try:
                name = translation.get_language_info(code)["name_local"]
            except KeyError:
                name = code
            items.append({"code": code, "name": name, "current": code == self.language})
        return items

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "invitation": self.invitation,
            "survey": self.survey,
            "text": self.text,
            "agent": self.agent,
            "agent_name": self.agent.get_short_name() if self.agent else "",
            "agent_photo": self.agent.photo.url if self.agent and self.agent.photo else "",
            "languages": self.switcher() if len(self.languages) > 1 else [],
            "token": self.token,
            "lang_query": f"?lang={self.language}",
            **extra,
        }

    def questions(self, form: ScoreForm) -> list[dict[str, Any]]:
        out = []
        for name, low, high in invitations.score_questions(self.survey):
            if name not in form.fields:
                continue
            value = form[name].value()
            low_label, high_label = SCALE_ENDS[name]
            out.append(
                {
                    "name": name,
                    "label": invitations.question_text(self.text, name),
                    "values": list(range(low, high + 1)),
                    "selected": int(value) if str(value).isdigit() else None,
                    "low": low,
                    "high": high,
                    "low_label": low_label,
                    "high_label": high_label,
                    "errors": form[name].errors,
                }
            )
        return out


def _initial(response: SurveyResponse | None) -> dict[str, Any]:
    if response is None:
        return {}
    return {
        "nps": response.nps,
        "csat": response.csat,
        "ces": response.ces,
        "comment": response.comment,
        "reason_codes": response.reason_codes,
    }


def _redirect(name: str, page: SurveyContext) -> HttpResponse:
    return HttpResponseRedirect(
        f"{reverse(f'feedback:{name}', args=[page.token])}?lang={page.language}"
    )


@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Step one: the scores. `?score=N` (from the email) shows a one-tap confirmation."""
    found = _open(request, token, lean=request.method == "POST")
    if isinstance(found, HttpResponse):
        return found
    page = SurveyContext(request, found, token)
    questions = invitations.score_questions(page.survey)
    if not questions:
        return _redirect("survey-more", page)
    if request.method == "POST":
        form = ScoreForm(page.survey, request.POST)
        if form.is_valid():
            try:
                invitations.submit_answer(found, form.cleaned_data, language=page.language)
            except services.FeedbackError:
                form.add_error(None, _("This answer could not be stored. Please try again."))
            else:
                return _redirect("survey-more", page)
        return _page(
            request,
            "feedback/public/survey.html",
            page.context(form=form, questions=page.questions(form)),
            language=page.language,
        )
    invitations.mark_opened(found)
    headline, low, high = questions[0]
    clicked = request.GET.get("score", "")
    if clicked.isdigit() and low <= int(clicked) <= high:
        return _page(
            request,
            "feedback/public/confirm.html",
            page.context(
                field=headline,
                score=int(clicked),
                question=invitations.question_text(page.text, headline),
            ),
            language=page.language,
        )
    form = ScoreForm(page.survey, initial=_initial(invitations.response_for(found)))
    return _page(
        request,
        "feedback/public/survey.html",
        page.context(form=form, questions=page.questions(form)),
        language=page.language,
    )


def _more_forms(
    page: SurveyContext, response: SurveyResponse | None, data: Any = None
) -> tuple[ScoreForm, CommentForm]:
    initial = _initial(response)
    unanswered = [
        name
        for name, _low, _high in invitations.score_questions(page.survey)
        if initial.get(name) is None
    ]
    scores = ScoreForm(page.survey, data, only=unanswered, require_one=False, initial=initial)
    ask_reasons = response is not None and is_unhappy(response, FeedbackSettings.load())
    comment = CommentForm(page.survey, page.text, data, ask_reasons=ask_reasons, initial=initial)
    if not page.survey.ask_comment:
        del comment.fields["comment"]
    return scores, comment


@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
def survey_more(request: HttpRequest, token: str) -> HttpResponse:
    """Step two: the questions not answered yet, reasons for a low score, and the comment."""
    found = _open(request, token)
    if isinstance(found, HttpResponse):
        return found
    page = SurveyContext(request, found, token)
    response = invitations.response_for(found)
    if response is None and invitations.score_questions(page.survey):
        return _redirect("survey", page)
    scores, comment = _more_forms(
        page, response, request.POST if request.method == "POST" else None
    )
    if not scores.fields and not comment.fields:
        return _redirect("survey-thanks", page)
    if request.method == "POST" and scores.is_valid() and comment.is_valid():
        answers = {**scores.cleaned_data, **comment.cleaned_data}
        try:
            invitations.submit_answer(found, answers, language=page.language)
        except services.FeedbackError:
            comment.add_error(None, _("This answer could not be stored. Please try again."))
        else:
            return _redirect("survey-thanks", page)
    return _page(
        request,
        "feedback/public/more.html",
        page.context(form=comment, score_form=scores, questions=page.questions(scores)),
        language=page.language,
    )


@rate_limited
@require_http_methods(["GET", "HEAD"])
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    found = _open(request, token)
    if isinstance(found, HttpResponse):
        return found
    page = SurveyContext(request, found, token)
    return _page(
        request,
        "feedback/public/thanks.html",
        page.context(response=invitations.response_for(found)),
        language=page.language,
    )


@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the email opens this page; one press of the button confirms (a POST)."""
    found = _open(request, token, allow_expired=True)
    if isinstance(found, HttpResponse):
        return found
    page = SurveyContext(request, found, token)
    email = found.customer.email if found.customer else ""
    done = False
    if request.method == "POST" and email:
        invitations.unsubscribe(email)
        done = True
    return _page(
        request,
        "feedback/public/unsubscribe.html",
        page.context(email=email, done=done or invitations.is_unsubscribed(email)),
        language=page.language,
    )


@csrf_exempt
@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click unsubscribe: the URL in the invitation's List-Unsubscribe header.

    The mail provider POSTs `List-Unsubscribe=One-Click` from its own servers, with no session
    and no CSRF token, so this one view is CSRF-exempt; the signed link is the authority, read
    as the confirm page reads it (an invitation past its expiry may still unsubscribe). A GET
    never unsubscribes: link scanners fetch every URL in a message, so it goes to the confirm
    page instead. Idempotent: posting again changes nothing.
    """
    if request.method != "POST":
        return HttpResponseRedirect(reverse("feedback:unsubscribe", args=[token]))
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return _invalid(request)
    found = _open(request, token, allow_expired=True)
    if isinstance(found, HttpResponse):
        return found
    page = SurveyContext(request, found, token)
    email = found.customer.email if found.customer else ""
    if email:
        invitations.unsubscribe(email)
    return _page(
        request,
        "feedback/public/unsubscribe.html",
        page.context(email=email, done=bool(email)),
        language=page.language,
    )


@rate_limited
@require_http_methods(["GET", "HEAD"])
def embed(request: HttpRequest, source: str, external_id: str) -> HttpResponse:
    """A helpdesk's stable link for one interaction; the invitation is made on first use."""
    if not invitations.check_embed_signature(source, external_id, request.GET.get("sig", "")):
        return _invalid(request)
    interaction = Interaction.objects.filter(source=source, external_id=external_id).first()
    if interaction is None:
        return _invalid(request)
    invitation = invitations.link_invitation(interaction)
    score = request.GET.get("score")
    return HttpResponseRedirect(
        invitations.survey_path(invitation, score=score if score and score.isdigit() else None)
    )
