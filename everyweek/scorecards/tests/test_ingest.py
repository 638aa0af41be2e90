"""Adherence exports (generic, NICE IEX, Genesys) and key figures: stored once, errors by line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from everyweek.conftest import Org
from everyweek.scorecards import services
from everyweek.scorecards.metrics import CATALOGUE, empty_totals, hist_quantile
from everyweek.scorecards.models import AdherenceDay, KeyFigure

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def ids(org: Org) -> Org:
    org.alice.employee_id = "A-ALICE"
    org.alice.save()
    org.bruno.employee_id = "A-BRUNO"
    org.bruno.save()
    return org


def _read(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_nice_iex_summary_with_fields_header_is_stored_with_row_errors(ids: Org) -> None:
    name = "agentAdherenceSummary_030426_0600.txt"
    report = services.import_adherence(_read(name), filename=name)
    assert (report.created, report.updated) == (2, 0)
    assert [line for line, _msg in report.errors] == [4, 5, 6]
    row = AdherenceDay.objects.get(agent=ids.alice, day=dt.date(2026, 3, 2))
    assert (row.scheduled_minutes, row.adherent_minutes, row.present_minutes, row.source) == (
        480,
        456,
        492,
        "nice_iex",
    )
    assert row.team == ids.alpha


def test_nice_iex_without_header_uses_the_default_field_order(ids: Org) -> None:
    text = "03022026|CET|1|10|5001|1|A-ALICE|Agent, Alice|480|456|24|492\n"
    report = services.import_adherence(text, fmt="nice_iex")
    assert report.created == 1 and not report.errors


def test_running_the_same_export_twice_changes_nothing(ids: Org) -> None:
    name = "agentAdherenceSummary_030426_0600.txt"
    services.import_adherence(_read(name), filename=name)
    again = services.import_adherence(_read(name), filename=name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AdherenceDay.objects.count() == 2


def test_a_corrected_export_updates_the_day(ids: Org) -> None:
    services.import_adherence(_read("generic.csv"), fmt="generic")
    fixed = "agent,date,scheduled_minutes,adherent_minutes,present_minutes\nA-ALICE,2026-03-02,480,470,480\n"
    report = services.import_adherence(fixed, fmt="generic")
    assert report.updated == 1
    assert AdherenceDay.objects.get(agent=ids.alice).adherent_minutes == 470


def test_generic_csv_reports_the_line_of_a_missing_duration(ids: Org) -> None:
    report = services.import_adherence(_read("generic.csv"), filename="generic.csv")
    assert report.created == 1
    assert report.errors[0][0] == 3


def test_genesys_export_adherence_is_one_minus_exceptions_and_conformance_from_percent(
    ids: Org,
) -> None:
    report = services.import_adherence(_read("genesys_adherence.csv"), filename="genesys.csv")
    assert report.created == 2, report.errors
    alice = AdherenceDay.objects.get(agent=ids.alice)
    assert (alice.scheduled_minutes, alice.adherent_minutes, alice.present_minutes) == (
        480,
        450,
        492,
    )
    totals = empty_totals()
    totals.update(scheduled_minutes=480, adherent_minutes=450, present_minutes=492)
    assert CATALOGUE["adherence"].compute(totals) == pytest.approx(93.75)
    assert CATALOGUE["conformance"].compute(totals) == pytest.approx(102.5)


def test_key_figures_are_upserted_per_department_and_period(org: Org) -> None:
    text = (
        "department,metric,period_start,period_end,value,unit\n"
        "Sales,Bookings,2026-03-01,2026-03-31,125000,EUR\n"
        "Nowhere,Leads,2026-03-01,2026-03-31,3,\n"
    )
    first = services.import_key_figures(text)
    assert first.created == 1 and first.errors[0][0] == 3
    second = services.import_key_figures(text.replace("125000", "130000"))
    assert second.updated == 1
    assert KeyFigure.objects.get().value == 130000


def test_median_and_p90_come_from_the_histogram() -> None:
    totals = empty_totals()
    totals["h04"] = 10  # 180-240 s
    totals["h08"] = 10  # 600-900 s
    assert hist_quantile(totals, 0.5) == pytest.approx(240)
    assert 600 < (hist_quantile(totals, 0.9) or 0) < 900


def test_weights_must_add_up_to_100(db: None) -> None:
    with pytest.raises(services.ScorecardError):
        services.save_definition("Bad", [services.MetricLine("nps", 50, 10, 20, 30)])
    with pytest.raises(services.ScorecardError):
        services.save_definition("Reversed", [services.MetricLine("reopen_rate", 100, 1, 5, 9)])
    definition = services.ensure_default_definition()
    assert sum(definition.metrics.values_list("weight", flat=True)) == 100
