"""Survey responses from any spreadsheet (CSV or Excel), with a column mapping.

The administrator says which column holds the score, the comment, the agent's email, the
ticket id, the date… (`ColumnMapping`, saved to be reused). Rows are read as a stream, so a
file of a million rows never sits in memory. A file without a response-id column gets an
id derived from each row's content, so importing it twice still changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from everyweek.integrations import mapping
from everyweek.integrations.importers.base import (
    AgentRef,
    ImportFileError,
    Parsed,
    ResponseRow,
    RowProblem,
)
from everyweek.integrations.mapping import RowError
from everyweek.integrations.models import ColumnMapping, Integration

FIELDS: dict[str, Any] = {
    "response_id": gettext_lazy("Response id"),
    "date": gettext_lazy("Date"),
    "score": gettext_lazy("Score"),
    "nps": gettext_lazy("NPS (0-10)"),
    "csat": gettext_lazy("CSAT"),
    "ces": gettext_lazy("Effort (1-7)"),
    "comment": gettext_lazy("Comment"),
    "reason": gettext_lazy("Reason"),
    "agent_email": gettext_lazy("Agent email"),
    "agent_id": gettext_lazy("Agent id"),
    "agent_name": gettext_lazy("Agent name"),
    "ticket_id": gettext_lazy("Ticket id"),
    "customer_email": gettext_lazy("Customer email"),
    "customer_name": gettext_lazy("Customer name"),
    "language": gettext_lazy("Language"),
    "channel": gettext_lazy("Channel"),
}

# Headers seen in survey tools' exports, to pre-fill the mapper.
GUESSES: dict[str, tuple[str, ...]] = {
    "response_id": ("response id", "response_id", "id", "survey response id", "token"),
    "date": ("date", "submitted at", "created at", "created", "response date", "timestamp"),
    "score": ("score", "rating", "csat", "satisfaction"),
    "nps": ("nps", "nps score", "likelihood to recommend"),
    "ces": ("ces", "effort", "customer effort"),
    "comment": ("comment", "comments", "feedback", "verbatim", "text"),
    "reason": ("reason", "reason code"),
    "agent_email": ("agent email", "agent_email", "assignee email"),
    "agent_id": ("agent id", "assignee id"),
    "agent_name": ("agent", "agent name", "assignee"),
    "ticket_id": ("ticket id", "ticket", "ticket_id", "conversation id"),
    "customer_email": ("customer email", "email", "requester email", "contact email"),
    "customer_name": ("customer name", "name", "requester", "customer"),
    "language": ("language", "locale"),
    "channel": ("channel", "source"),
}


def guess_columns(headers: list[str]) -> dict[str, str]:
    guessed: dict[str, str] = {}
    used: set[str] = set()
    for name, aliases in GUESSES.items():
        column = mapping.find_column([h for h in headers if h not in used], aliases)
        if column is not None:
            guessed[name] = column
            used.add(column)
    return guessed


def is_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def text_stream(stream: IO[bytes]) -> tuple[io.TextIOBase, int]:
    """A text stream over a CSV upload, with an estimate of its rows for the progress bar."""
    head = stream.read(1 << 16)
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    if is_xlsx(head) or b"\x00" in head[:4096]:
        raise ImportFileError(_("This is not a CSV file."))
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end of the sample is not an error.
        encoding = "utf-8-sig" if exc.start >= len(head) - 4 else "cp1252"
    lines = head.count(b"\n")
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")  # type: ignore[arg-type]
    return text, max(lines - 1, 0)


DELIMITERS = ",;\t|"


class _Delimited(csv.excel):
    """CSV as RFC 4180 and every spreadsheet write it: only the delimiter varies."""


def _dialect(sample: str) -> type[csv.Dialect]:
    """The delimiter that splits the header row into the most columns (comma on a tie).

    Only the header row is looked at, and the quote is always `"`: `csv.Sniffer` guesses the
    quote character from the data too, and a cell holding a lone `'` made it read `'` as the
    quote, swallowing the rows up to the next `'` into one field (rows lost, errors reported
    on the wrong lines).
    """
    best, widest = ",", 0
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False), [])
        except csv.Error:
            continue
        if len(header) > widest:
            best, widest = delimiter, len(header)
    return type("Delimited", (_Delimited,), {"delimiter": best})


def read_table(stream: IO[bytes]) -> tuple[list[str], Iterator[list[Any]], int]:
    """Headers, a stream of rows and a row estimate, from CSV or XLSX."""
    head = stream.read(8)
    stream.seek(0)
    if is_xlsx(head):
        return _read_xlsx(stream)
    text, total = text_stream(stream)
    sample = text.read(1 << 14)
    text.seek(0)
    reader = csv.reader(text, _dialect(sample))
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise ImportFileError(
            _("The file could not be read as CSV: %(error)s") % {"error": exc}
        ) from exc
    return [h.strip().lstrip("\ufeff") for h in headers], reader, total


def _read_xlsx(stream: IO[bytes]) -> tuple[list[str], Iterator[list[Any]], int]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(_("The Excel file could not be read.")) from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ImportFileError(_("The file is empty."))
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if not first:
        raise ImportFileError(_("The file is empty."))
    headers = ["" if v is None else str(v).strip() for v in first]
    total = max((sheet.max_row or 1) - 1, 0)

    def values() -> Iterator[list[Any]]:
        for row in rows:
            yield ["" if v is None else v for v in row]

    return headers, values(), total


def headers_of(stream: IO[bytes]) -> list[str]:
    headers, _rows, _total = read_table(stream)
    stream.seek(0)
    return headers


def parse(
    stream: IO[bytes], integration: Integration, columns: ColumnMapping | None
) -> tuple[int, Iterator[Parsed]]:
    if columns is None:
        raise ImportFileError(_("Choose which column holds what before importing a spreadsheet."))
    headers, table, total = read_table(stream)
    chosen = {f: c for f, c in columns.columns.items() if f in FIELDS and c}
    missing = [c for c in chosen.values() if c not in headers]
    if missing:
        raise ImportFileError(
            _("The file has no column “%(column)s”: is the mapping right for this file?")
            % {"column": missing[0]}
        )
    if "date" not in chosen:
        raise ImportFileError(_("Say which column holds the date."))
    if not {"score", "nps", "csat", "ces"} & chosen.keys():
        raise ImportFileError(_("Say which column holds the score."))
    at = {f: headers.index(c) for f, c in chosen.items()}
    score_field = {"csat": "csat", "nps": "nps", "ces": "ces"}[columns.score_kind]
    scale = columns.csat_scale
    tz = mapping.zone(integration.config.get("time_zone"))
    return total, _rows(table, at, score_field, scale, tz)


def _rows(
    table: Iterator[list[Any]],
    at: dict[str, int],
    score_field: str,
    scale: int,
    tz: dt.tzinfo,
) -> Iterator[Parsed]:
    """Rows -> ResponseRow / RowProblem. Kept lean: it runs a million times in the benchmark.

    Each mapped column gets a small setter; text cells (CSV) take the fast path, other cell
    types (Excel numbers and dates) go through the general helpers in mapping.py.
    """
    parse_int = mapping.parse_int
    parse_datetime = mapping.parse_datetime
    fromiso = dt.datetime.fromisoformat
    utc = dt.UTC
    ranges = {"nps": (0, 10), "csat": (1, scale), "ces": (1, 7)}
    cache: dict[str, dict[Any, Any]] = {"email": {}, "language": {}, "channel": {}}

    def cached(kind: str, clean: Any) -> Any:
        memo = cache[kind]

        def lookup(value: Any) -> Any:
            found = memo.get(value)
            if found is None:
                found = clean(value)
                if len(memo) < 200_000:
                    memo[value] = found
            return found

        return lookup

    email_of = cached("email", mapping.clean_email)
    language_of = cached("language", mapping.clean_language)
    channel_of = cached("channel", mapping.clean_channel)

    def score(name: str) -> Any:
        low, high = ranges[name]

        def setter(row: ResponseRow, value: Any, agent: list[str]) -> None:
            if type(value) is str and value.isdigit() and len(value) < 4:  # the usual case
                number = int(value)
                if not low <= number <= high:
                    parse_int(value, name, low, high)  # raises with the message
                setattr(row, name, number)
            else:
                setattr(row, name, parse_int(value, name, low, high))

        return setter

    def text(name: str, limit: int) -> Any:
        def setter(row: ResponseRow, value: Any, agent: list[str]) -> None:
            setattr(
                row,
                name,
                mapping.clean_text(value, limit)
                if type(value) is not str or "\x00" in value
                else value.strip()[:limit],
            )

        return setter

    def identifier(name: str) -> Any:
        def setter(row: ResponseRow, value: Any, agent: list[str]) -> None:
            if (
                type(value) is str
                and len(value) <= 100
                and value == value.strip()
                and "\x00" not in value
            ):
                setattr(row, name, value)  # the usual case, already clean
            else:
                setattr(row, name, mapping.clean_id(value, name, required=False))

        return setter

    def agent_email(row: ResponseRow, value: Any, agent: list[str]) -> None:
        email = email_of(value)
        if not email and str(value).strip():
            raise RowError(
                "agent_email",
                _("“%(value)s” is not an email address.") % {"value": str(value)[:60]},
            )
        agent[1] = email

    def agent_id(row: ResponseRow, value: Any, agent: list[str]) -> None:
        agent[0] = mapping.clean_id(value, "agent_id", required=False)

    def agent_name(row: ResponseRow, value: Any, agent: list[str]) -> None:
        agent[2] = mapping.clean_text(value, 150)

    def customer_email(row: ResponseRow, value: Any, agent: list[str]) -> None:
        row.customer_email = email_of(value)

    def language(row: ResponseRow, value: Any, agent: list[str]) -> None:
        row.language = language_of(value)

    def channel(row: ResponseRow, value: Any, agent: list[str]) -> None:
        row.channel = channel_of(value)

    def reason(row: ResponseRow, value: Any, agent: list[str]) -> None:
        cleaned = mapping.clean_text(value, 60)
        row.reason_codes = [cleaned] if cleaned else []

    setters_by_name: dict[str, Any] = {
        "nps": score("nps"),
        "csat": score("csat"),
        "ces": score("ces"),
        "comment": text("comment", 20000),
        "customer_name": text("customer_name", 200),
        "ticket_id": identifier("ticket_id"),
        "agent_email": agent_email,
        "agent_id": agent_id,
        "agent_name": agent_name,
        "customer_email": customer_email,
        "language": language,
        "channel": channel,
        "reason": reason,
    }
    if "score" in at:
        at = {**at, score_field: at["score"]}
    setters = [(at[name], setter) for name, setter in setters_by_name.items() if name in at]
    id_i = at.get("response_id")
    date_i = at["date"]
    width = max(at.values()) + 1
    for line, values in enumerate(table, start=2):
        if len(values) < width:
            if not any(str(v).strip() for v in values):
                continue
            values = list(values) + [""] * (width - len(values))
        try:
            raw_date = values[date_i]
            if type(raw_date) is str and len(raw_date) >= 19 and raw_date[10] in " T":
                try:
                    submitted = fromiso(raw_date)  # Python 3.11 reads a trailing "Z" too
                    if submitted.tzinfo is None:
                        submitted = submitted.replace(tzinfo=tz)
                    if submitted.tzinfo is not utc:
                        submitted = submitted.astimezone(utc)
                except ValueError:
                    submitted = parse_datetime(raw_date, tz, "date")
            else:
                submitted = parse_datetime(raw_date, tz, "date")
            if id_i is not None:
                external_id = values[id_i]
                if (
                    type(external_id) is not str
                    or not 0 < len(external_id) <= 100
                    or external_id != external_id.strip()
                    or "\x00" in external_id
                ):
                    external_id = mapping.clean_id(external_id, "response_id")
            else:
                digest = hashlib.sha1(
                    "\x1f".join(str(v) for v in values).encode(), usedforsecurity=False
                )
                external_id = f"row:{digest.hexdigest()[:32]}"
            row = ResponseRow(line, external_id, submitted, csat_scale=scale)
            agent = ["", "", ""]
            for i, setter in setters:
                setter(row, values[i], agent)
            if row.nps is None and row.csat is None and row.ces is None:
                raise RowError("score", _("The score is missing."))
            if agent[0] or agent[1] or agent[2]:
                row.agent = AgentRef(agent[0], agent[1], agent[2])
            yield row
        except RowError as exc:
            yield RowProblem(line, exc.field, exc.message)
