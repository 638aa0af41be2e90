from __future__ import annotations

import json
from typing import Any

from everyweek.analysis import services
from everyweek.analysis.models import LabelCorrection, TextAnalysis
from everyweek.analysis.tests.conftest import respond
from everyweek.feedback.models import FollowUpCase


def _analysed(agent: Any, comment: str) -> TextAnalysis:
    analysis = services.analyse_response(respond(agent, comment))
    assert analysis is not None
    return analysis


def test_response_page_shows_why_a_comment_was_marked(org: Any) -> None:
    analysis = _analysed(org.alice, "Alice was wonderful and so patient, thank you!")
    page = org.client_for(org.lenny).get(f"/feedback/{analysis.response_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="analysis"' in html
    assert "Alice" in html
    assert analysis.model_version in html
    assert "Correct a label" in html


def test_agent_sees_the_analysis_of_their_own_response_without_correction_controls(
    org: Any,
) -> None:
    analysis = _analysed(org.alice, "Alice was wonderful and so patient, thank you!")
    html = org.client_for(org.alice).get(f"/feedback/{analysis.response_id}/").content.decode()
    assert 'data-testid="analysis"' in html
    assert "Correct a label" not in html


def test_lead_corrects_a_label_and_a_complaint_opens_a_case(org: Any) -> None:
    analysis = _analysed(org.alice, "The agent answered my question about the invoice.")
    assert not analysis.complaint
    page = org.client_for(org.lenny).post(
        f"/analysis/responses/{analysis.response_id}/correct/",
        {"kind": "complaint", "value": "true"},
    )
    assert page.status_code == 302
    analysis.refresh_from_db()
    assert analysis.complaint
    correction = LabelCorrection.objects.get(analysis=analysis)
    assert (correction.kind, correction.value, correction.corrected_by) == (
        "complaint",
        "true",
        org.lenny,
    )
    assert FollowUpCase.objects.filter(response_id=analysis.response_id).count() == 1


def test_lead_cannot_correct_another_teams_response(org: Any) -> None:
    analysis = _analysed(org.bruno, "Bruno è stato gentilissimo, grazie!")
    page = org.client_for(org.lenny).post(
        f"/analysis/responses/{analysis.response_id}/correct/",
        {"kind": "praise", "value": "false"},
    )
    assert page.status_code == 404
    api = org.client_for(org.lenny).post(
        f"/api/analysis/responses/{analysis.response_id}/corrections",
        json.dumps({"kind": "praise", "value": "false"}),
        content_type="application/json",
    )
    assert api.status_code == 404
    assert not LabelCorrection.objects.exists()


def test_agent_cannot_correct_even_their_own_response(org: Any) -> None:
    analysis = _analysed(org.alice, "Alice was wonderful, thank you!")
    page = org.client_for(org.alice).post(
        f"/analysis/responses/{analysis.response_id}/correct/",
        {"kind": "praise", "value": "false"},
    )
    assert page.status_code in (403, 404)
    assert not LabelCorrection.objects.exists()


def test_analysis_list_shows_only_the_leads_team_and_filters(org: Any) -> None:
    ours = _analysed(org.alice, "Alice was wonderful and so patient, thank you!")
    theirs = _analysed(org.bruno, "Bruno è stato gentilissimo, grazie mille!")
    client = org.client_for(org.lenny)
    html = client.get("/analysis/").content.decode()
    assert ours.response.comment[:30] in html
    assert theirs.response.comment[:20] not in html
    html = client.get("/analysis/?found=complaint").content.decode()
    assert ours.response.comment[:30] not in html
    everyone = org.client_for(org.erin).get("/analysis/?found=all&language=it").content.decode()
    assert theirs.response.comment[:20] in everyone
    assert org.client_for(org.alice).get("/analysis/").status_code in (403, 404, 302)


def test_api_reads_scoped_analysis_corrects_and_lists_topics(org: Any) -> None:
    analysis = _analysed(org.alice, "My parcel arrived two weeks late.")
    other = _analysed(org.bruno, "Il pacco è arrivato in ritardo.")
    client = org.client_for(org.lenny)
    got = client.get(f"/api/analysis/responses/{analysis.response_id}").json()
    assert got["model_version"] == analysis.model_version
    assert any(t["key"] == "delivery" for t in got["topics"])
    assert client.get(f"/api/analysis/responses/{other.response_id}").status_code == 404
    posted = client.post(
        f"/api/analysis/responses/{analysis.response_id}/corrections",
        json.dumps({"kind": "sentiment", "value": "negative"}),
        content_type="application/json",
    )
    assert posted.status_code == 201
    assert posted.json()["value"] == "negative"
    bad = client.post(
        f"/api/analysis/responses/{analysis.response_id}/corrections",
        json.dumps({"kind": "sentiment", "value": "furious"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    topics = client.get("/api/analysis/topics").json()
    assert {"waiting_time", "politeness", "knowledge", "billing", "delivery"} <= {
        t["key"] for t in topics["items"]
    }


def test_analysis_list_speaks_the_leaders_language_with_topic_names(org: Any) -> None:
    org.lenny.locale = "th"
    org.lenny.save(update_fields=["locale"])
    _analysed(org.alice, "Alice was so kind, thank you! My parcel arrived two weeks late though.")
    page = org.client_for(org.lenny).get("/analysis/?found=all")
    assert page["Content-Language"] == "th"
    html = page.content.decode()
    assert "การวิเคราะห์ข้อความ" in html
    assert "การจัดส่ง" in html  # the delivery topic's Thai name
