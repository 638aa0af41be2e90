"""Bulk CSV ingest: rollups equal a recomputation, a second run adds nothing, errors by line."""

from __future__ import annotations

import io

from everyweek.conftest import Org
from everyweek.feedback.models import Interaction
from everyweek.scorecards import bulk, rollups

CSV = """external_id,agent,created_at,first_response_at,resolved_at,handle_time_seconds,reopen_count,channel
B1,E-A,2026-03-02T09:00:00+00:00,2026-03-02T09:10:00+00:00,2026-03-02T10:00:00+00:00,300,0,email
B2,E-A,2026-03-02T23:30:00-02:00,,,,1,phone
B3,E-B,2026-03-03T09:00:00+00:00,,,4000,0,chat
B4,,2026-03-03T09:00:00+00:00,,,10,0,chat
B5,E-Z,2026-03-03T09:00:00+00:00,,,10,0,chat
B6,E-A,2026-03-03T09:00:00,,,10,0,chat
B7,E-A,2026-03-03T09:00:00+00:00,,,10,0,fax
"""


def test_bulk_ingest_rolls_up_like_a_recomputation_and_resumes_without_double_counting(
    org: Org,
) -> None:
    org.alice.employee_id = "E-A"
    org.alice.save()
    org.bruno.employee_id = "E-B"
    org.bruno.save()
    report = bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm", chunk_size=2)
    assert (report.read, report.inserted) == (7, 4)
    assert [line for line, _msg in report.errors] == [6, 7, 8]
    stored = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == stored
    again = bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm")
    assert (again.inserted, again.skipped) == (0, 4)
    assert rollups.snapshot() == stored
    late = Interaction.objects.get(external_id="B2")
    assert late.created_at.date().isoformat() == "2026-03-03"  # 23:30 at -02:00 is the next UTC day
