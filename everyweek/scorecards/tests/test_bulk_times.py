"""The bulk ingest's own time parser agrees with `datetime.fromisoformat` and refuses the rest."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from everyweek.conftest import Org
from everyweek.feedback.models import Interaction
from everyweek.scorecards import bulk

HEADER = ",".join(bulk.EXPECTED)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
moments = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    offsets,
)


def _text(moment: dt.datetime, digits: int, utc_as_z: bool) -> str:
    """The export forms: 0 to 6 digits of fraction, `Z` or `±HH:MM`."""
    base = moment.replace(tzinfo=None).isoformat(timespec="seconds")
    fraction = f"{moment.microsecond:06d}"[:digits]
    offset = moment.utcoffset()
    assert offset is not None
    if utc_as_z and not offset:
        zone = "Z"
    else:
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{base}.{fraction}{zone}" if digits else f"{base}{zone}"


def _expected(text: str) -> tuple[dt.datetime, str] | None:
    try:
        moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return moment, moment.date().isoformat()


@given(moments, st.integers(min_value=0, max_value=6), st.booleans())
@example(dt.datetime(2026, 3, 2, 9, 0, 0, 500000, tzinfo=dt.UTC), 1, True)
@example(dt.datetime(2026, 3, 2, 9, 0, 0, 0, tzinfo=dt.UTC), 6, False)
@example(
    dt.datetime(1, 1, 2, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=23, minutes=59))), 0, False
)
def test_valid_times_equal_fromisoformat_on_both_databases(
    moment: dt.datetime, digits: int, utc_as_z: bool
) -> None:
    text = _text(moment, digits, utc_as_z)
    expected = _expected(text)
    if expected is None:  # out of range once converted to UTC: refused, never wrapped
        with pytest.raises(ValueError):
            bulk._time(text, True)
        return
    utc, day = expected
    assert bulk._time(text, True) == (str(utc.replace(tzinfo=None)), day)
    value, pg_day = bulk._time(text, False)
    assert pg_day == day
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    assert parsed == utc


@given(moments, st.integers(min_value=0, max_value=6), st.data())
def test_times_with_other_digits_are_refused(
    moment: dt.datetime, digits: int, data: st.DataObject
) -> None:
    text = _text(moment, digits, True)
    where = data.draw(st.sampled_from([i for i, c in enumerate(text) if c.isdigit()]))
    foreign = text[:where] + text[where].translate(ARABIC_INDIC) + text[where + 1 :]
    with pytest.raises(ValueError, match="ASCII"):
        bulk._time(foreign, True)


@pytest.mark.parametrize(
    "text",
    ["0000-03-02T09:00:00+00:00", "0000-03-02T09:00:00Z", "0000-03-02T09:00:00.5-01:00"],
)
def test_year_zero_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="year 0000"):
        bulk._time(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T09:00:00.1234567+00:00x",
        "2026-03-02T09:00:00+24:00",
        "2026-03-02T09:00:00+0a:00",
        "0001-01-01T00:30:00+01:00",
    ],
)
def test_malformed_or_unrepresentable_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bulk._time(text, True)


def test_unusable_external_ids_and_times_are_row_errors_with_line_and_reason(org: Org) -> None:
    org.alice.employee_id = "E-A"
    org.alice.save()
    rows = [
        "OK1,E-A,2026-03-02T09:00:00.25Z,,,300,0,email",
        "BAD\x00ID,E-A,2026-03-02T09:00:00Z,,,300,0,email",
        f"{'X' * 101},E-A,2026-03-02T09:00:00Z,,,300,0,email",
        "OK2,E-A,٢٠٢٦-03-02T09:00:00+00:00,,,300,0,email",
        "OK3,E-A,0000-03-02T09:00:00+00:00,,,300,0,email",
        f"{'Y' * 100},E-A,2026-03-02T09:00:00-05:30,,,300,0,email",
    ]
    report = bulk.ingest_interactions_csv(
        io.StringIO(HEADER + "\n" + "\n".join(rows) + "\n"), source="wfm"
    )
    assert report.inserted == 2
    reasons = dict(report.errors)
    assert sorted(reasons) == [3, 4, 5, 6]
    assert "NUL" in reasons[3]
    assert "longer than 100" in reasons[4]
    assert "ASCII" in reasons[5]
    assert "year 0000" in reasons[6]
    stored = dict(Interaction.objects.filter(source="wfm").values_list("external_id", "created_at"))
    assert stored["OK1"] == dt.datetime(2026, 3, 2, 9, 0, 0, 250000, tzinfo=dt.UTC)
    assert stored["Y" * 100] == dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)
