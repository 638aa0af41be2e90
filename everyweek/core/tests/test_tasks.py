"""A task enqueued on commit runs in a real worker process (`everyweek worker --batch`).

The worker is a separate process, so it must reach the same database as the test:

- PostgreSQL: pytest-django's test database (test_everyweek, or test_everyweek_gwN under
  xdist), passed to the worker as DATABASE_URL;
- SQLite: the test database lives in memory, which no other process can open, so the test
  copies it into a file for the worker (SQLITE_PATH) and copies the worker's writes back.

Email goes to a real SMTP server (aiosmtpd) on loopback; the RQ variant uses the real Redis.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from everyweek.notifications.models import EmailStatus, OutboundEmail
from everyweek.notifications.services import send_email
from everyweek.notifications.tests.smtp import SmtpSink, smtp_server

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]
# Redis databases 15 and 14 are reserved for these tests (one per xdist worker) and flushed.
REDIS_TEST_DB = 15


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    with smtp_server(settings) as sink:
        yield sink


def database_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "postgres", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or 5432
        return {"DATABASE_URL": f"postgres://{credentials}@{host}:{port}/{db['NAME']}"}
    assert connection.vendor == "sqlite"
    return {"SQLITE_PATH": str(tmp_path / "worker.sqlite3")}


def run_worker(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m everyweek.cli worker --batch` against the test database; returns when done."""
    full_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "EVERYWEEK_TASK_BACKEND"}
    }
    full_env.update(
        {
            "EVERYWEEK_DATA_DIR": str(tmp_path / "data"),
            "EVERYWEEK_ENV": "demo",
            "DEBUG": "false",
            "PYTHONPATH": str(REPO),
            **database_env(tmp_path),
            **env,
        }
    )
    sqlite_file = full_env.get("SQLITE_PATH")
    if sqlite_file:
        connection.ensure_connection()
        with sqlite3.connect(sqlite_file) as target:
            connection.connection.backup(target)
    result = subprocess.run(
        [sys.executable, "-m", "everyweek.cli", "worker", "--batch", "-v", "2"],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if sqlite_file:
        source = sqlite3.connect(sqlite_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def queue_invitation() -> OutboundEmail:
    with transaction.atomic():
        email = send_email(
            to="carla@example.com",
            template="people/email/invitation",
            context={"person": None, "url": "https://ew.example/set/xyz/"},
        )
        # Inside the transaction nothing is queued yet: a worker must never see missing rows.
        assert not DBTaskResult.objects.exists()
    return email


def test_a_task_enqueued_on_commit_runs_in_a_database_worker_process(
    settings: Any, smtp: SmtpSink, tmp_path: Path
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    email = queue_invitation()
    assert DBTaskResult.objects.get().status == "READY"
    assert smtp.messages == []

    run_worker(tmp_path, {**smtp.env(), "EVERYWEEK_TASK_BACKEND": "database"})

    [received] = smtp.to("carla@example.com")
    assert "https://ew.example/set/xyz/" in received.text_body()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.fixture
def redis_url() -> Iterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    url = f"redis://127.0.0.1:6379/{REDIS_TEST_DB - int(worker.removeprefix('gw') or 0) % 2}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.mark.redis
def test_a_task_enqueued_on_commit_runs_in_an_rq_worker_process(
    settings: Any, smtp: SmtpSink, tmp_path: Path, redis_url: str
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    email = queue_invitation()
    queued = redis.Redis.from_url(redis_url).llen("rq:queue:default")
    assert queued == 1
    assert smtp.messages == []

    run_worker(tmp_path, {**smtp.env(), "EVERYWEEK_TASK_BACKEND": "rq", "REDIS_URL": redis_url})

    [received] = smtp.to("carla@example.com")
    assert "https://ew.example/set/xyz/" in received.text_body()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert redis.Redis.from_url(redis_url).llen("rq:queue:default") == 0
