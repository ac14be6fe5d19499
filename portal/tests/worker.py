"""A real Celery worker in a subprocess, on its own queue, against the test database and Redis."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs against, for another process to use."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    queue: str

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def start_worker(queue: str) -> Worker:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DB_CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--queues", queue,
        "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
    ]  # fmt: skip
    return Worker(subprocess.Popen(command, env=env, cwd=ROOT), queue)


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Worker]:
    """Tasks sent during the test go to a queue of their own, consumed by a real worker process."""
    if not settings.CELERY_BROKER_URL:
        pytest.fail("CELERY_BROKER_URL must point at Redis for the worker tests (make test sets it).")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    worker = start_worker(queue)
    try:
        yield worker
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous
        if worker.process.poll() is None:
            worker.process.terminate()
            worker.process.wait(timeout=20)
        # PostgreSQL ends the worker's session a moment after the process: wait, or dropping the test database
        # at the end of the run finds it still in use.
        wait_for(lambda: not _other_sessions(), timeout=10)


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
