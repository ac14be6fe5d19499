"""Public read load while data flows in (issue 13): the production shape (gunicorn with sync workers, one per core,
and one Celery worker, on PostgreSQL and Redis with the demo data) driven by wrk on the public pages and the stats
API as `make loadtest` drives it, first alone, then beside a writer doing 1 and 10 writes per second: accepted
returns and small monitoring submissions, through the services, taking turns over the regions.

Baseline, measured in the same run: the same load without writes. Targets: at each write rate, public requests/s at
least 0.7 of the baseline and a public-page p95 under 100 ms.

BENCH_LOAD_SECONDS (20) is the length of each wrk run, BENCH_WRITE_RATES ("1,10") the write rates per second.
"""

import contextlib
import datetime
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from bench.public_urls import public_urls
from monitoring import services as monitoring_services
from monitoring.models import Medium, MonitoringPoint
from monitoring.partitions import ensure_result_partitions
from portal.celery import app as celery_app
from portal.models import User
from portal.tests.worker import ROOT, _other_sessions, database_url_for_subprocess, start_worker, wait_for
from registry.models import Enterprise
from registry.returns import services as return_services
from registry.returns.models import ReturnVersion, WasteReturn

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
RATES = [float(rate) for rate in os.environ.get("BENCH_WRITE_RATES", "1,10").split(",")]
CONNECTIONS = 50
TARGET_SHARE, TARGET_P95_MS = 0.7, 100.0
TIMEOUT = 900
pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).parent
WRK_SUMMARY = re.compile(r"(\d+) requests in ([\d.]+) s: (\d+) requests/s")
WRK_PAGES = re.compile(r"^public pages\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)", re.MULTILINE)
WRK_FAILURE = re.compile(r"^FAIL: (.*)$", re.MULTILINE)
POLLUTANTS = ("Cu", "Pb", "Zn")
YEARS = range(2019, 2024)  # of the submissions' results: those of the demo returns, so that both touch the same years


@dataclass
class Load:
    requests_per_second: float
    p95_ms: float
    failure: str = ""  # wrk's errors: non-2xx answers, socket errors
    writes: int = 0
    write_ms: list[float] = field(default_factory=list)
    write_errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the run, by process


class Writer:
    """Writes through the services, in turn an accepted return (of a version submitted beforehand) and a small
    submission of three results, each of a synthetic enterprise of the next region."""

    def __init__(self, admin: User) -> None:
        self.admin = admin
        enterprises = list(Enterprise.objects.filter(synthetic=True).order_by("region__iso_code"))
        # The months the submissions fall in have their partitions, as beat keeps them ahead in production: creating
        # one under load queues every writer of results behind its lock, which is not what this measures.
        ensure_result_partitions(months=[(year, 1) for year in YEARS])
        self.points = [
            MonitoringPoint.objects.create(
                enterprise=enterprise, code="BENCH-AIR", medium=Medium.AIR, latitude=Decimal("46.8"),
                longitude=Decimal("75.0"), is_published=True,
            )
            for enterprise in enterprises
        ]  # fmt: skip
        # One submitted correction of every accepted return, ordered so that consecutive ones are of other regions.
        self.pending: list[int] = []
        returns = WasteReturn.objects.filter(enterprise__in=enterprises, accepted__isnull=False)
        for waste_return in returns.order_by("year", "enterprise__region__iso_code"):
            version = return_services.return_correct(actor=admin, waste_return=waste_return)
            confirmations = {warning.key: "bench" for warning in return_services.current_warnings(version)}
            return_services.return_submit(actor=admin, version=version, confirmations=confirmations)
            self.pending.append(version.pk)
        self.pending.reverse()
        self.lock = threading.Lock()
        self.number = 0

    def write(self) -> None:
        with self.lock:
            self.number += 1
            number = self.number
            version_id = self.pending.pop() if number % 2 and self.pending else None
        try:
            if version_id is not None:
                version = ReturnVersion.objects.get(pk=version_id)
                return_services.return_accept(actor=self.admin, version=version)
            else:
                point = self.points[number % len(self.points)]
                year = YEARS[number % len(YEARS)]
                sampled = datetime.datetime(year, 1, 1, 12, tzinfo=datetime.UTC) + datetime.timedelta(minutes=number)
                rows = [
                    {"point": point.code, "pollutant": code, "sampled_at": sampled.isoformat(),
                     "value": f"{0.0005 + (number * 7 + offset) % 97 * 0.0002:.4f}", "unit": "mg/m3",
                     "averaging": "daily"}
                    for offset, code in enumerate(POLLUTANTS)
                ]  # fmt: skip
                monitoring_services.submission_create(actor=self.admin, enterprise=point.enterprise, rows=rows)
        finally:
            connection.close()  # the thread pool's threads outlive the test's connection handling


def _write_at(writer: Writer, rate: float, stop: threading.Event, load: Load) -> None:
    """Writes at `rate` per second, on a schedule (a slow write delays none of the next ones)."""
    with ThreadPoolExecutor(max_workers=4) as pool:

        def timed() -> None:
            started = time.perf_counter()
            try:
                writer.write()
            except Exception as exc:
                load.write_errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            load.write_ms.append((time.perf_counter() - started) * 1000)

        due = time.monotonic()
        while not stop.is_set():
            pool.submit(timed)
            load.writes += 1
            due += 1 / rate
            stop.wait(max(0.0, due - time.monotonic()))


TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    """User and system CPU seconds of a process and its children (gunicorn's workers)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for each in [str(pid), *children]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)
    return total / TICKS


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine (user, nice, system, irq, softirq)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / TICKS


def _cpu_now(pids: dict[str, int]) -> dict[str, float]:
    return {
        **{name: _process_cpu(pid) for name, pid in pids.items()},
        "writer": time.process_time(),
        "wrk": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
        "machine": _machine_cpu(),
    }


@pytest.fixture
def production_shape(tmp_path, settings) -> Iterator[tuple[str, dict[str, int]]]:
    """The demo data, a Celery worker and gunicorn on them; yields the base URL and their process ids."""
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    env = {
        **os.environ, "DATABASE_URL": database_url_for_subprocess(), "DJANGO_ENV": "production",
        "ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": secrets.token_urlsafe(50), "QALDYQ_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING", "API_ANON_RATE": f"{CONNECTIONS * 120}/minute", "ANON_HTML_RATE": "1000000000/minute",
    }  # fmt: skip
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    queue = f"bench-{secrets.token_hex(6)}"
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    worker = start_worker(queue)
    port = 20000 + secrets.randbelow(20000)
    gunicorn = subprocess.Popen(
        [BIN / "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(os.cpu_count() or 2),
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                _get(base, "/", "ru")
                break
            except OSError:
                assert gunicorn.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        yield base, {"gunicorn": gunicorn.pid, "worker": worker.process.pid}
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        worker.process.terminate()
        worker.process.wait(timeout=30)
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous
        # The sessions of gunicorn and the worker end a moment after their processes: emptying the database for the
        # next test waits for them, or deadlocks with their last statements.
        wait_for(lambda: not _other_sessions(), timeout=30)


def _get(base: str, path: str, language: str) -> int:
    request = urllib.request.Request(base + path, headers={"Accept-Language": language, "X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status


def _wrk(base: str, urls: Path, seconds: int, log: Path) -> Load:
    result = subprocess.run(
        ["wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s",
         str(ROOT / "scripts" / "loadtest.lua"), base, "--", str(urls), "1000000"],
        capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    with log.open("a") as handle:
        handle.write(result.stdout + result.stderr)
    summary, pages = WRK_SUMMARY.search(result.stdout), WRK_PAGES.search(result.stdout)
    assert summary and pages, result.stdout[-2000:] + result.stderr[-2000:]
    # loadtest.lua fails on any non-2xx answer or socket error: said with the figures, asserted after them.
    failure = WRK_FAILURE.search(result.stdout)
    return Load(float(summary.group(3)), float(pages.group(4)), failure=failure.group(1) if failure else "")


def test_public_reads_beside_writes(production_shape, tmp_path):
    subprocess.run([ROOT / "scripts" / "need.sh", "wrk", "wrk", "the load generator is wrk"], check=True)
    base, pids = production_shape
    urls = tmp_path / "urls.txt"
    paths = public_urls()
    urls.write_text("\n".join(paths) + "\n")
    for line in paths:  # every page once in each language: fills the cache, fails early on a broken page
        for language in ("ru", "kk", "en"):
            assert _get(base, line.split()[2], language) == 200, line
    log = tmp_path / "wrk.txt"
    _wrk(base, urls, 5, log)  # warm-up: every gunicorn worker connected and its imports done

    writer = Writer(User.objects.get(username="admin"))
    loads: dict[float, Load] = {}
    for rate in [0.0, *RATES]:
        stop = threading.Event()
        load_box = Load(0, 0)
        thread = threading.Thread(target=_write_at, args=(writer, rate, stop, load_box)) if rate else None
        if thread:
            thread.start()
        before = _cpu_now(pids)
        load = _wrk(base, urls, SECONDS, log)
        load.cpu = {name: value - before[name] for name, value in _cpu_now(pids).items()}
        if thread:
            stop.set()
            thread.join(timeout=120)
        load.writes, load.write_ms, load.write_errors = load_box.writes, load_box.write_ms, load_box.write_errors
        loads[rate] = load

    baseline = loads[0.0]
    print(f"\n[bench] public reads beside writes: {len(paths)} URLs x 3 languages, wrk {CONNECTIONS} connections,"
          f" {SECONDS} s a run, gunicorn ({os.cpu_count()} sync workers) and one Celery worker on {os.cpu_count()}"
          " cores")  # fmt: skip
    print(f"[bench]   baseline, no writes: {baseline.requests_per_second:,.0f} requests/s,"
          f" public p95 {baseline.p95_ms:.1f} ms {baseline.failure}")  # fmt: skip
    for rate in RATES:
        load = loads[rate]
        write_ms = statistics.median(load.write_ms) if load.write_ms else 0
        print(f"[bench]   {rate:g} writes/s ({load.writes} writes, median {write_ms:.0f} ms a write,"
              f" {len(load.write_errors)} failed): {load.requests_per_second:,.0f} requests/s,"
              f" ratio {load.requests_per_second / baseline.requests_per_second:.2f} (target >= {TARGET_SHARE}),"
              f" public p95 {load.p95_ms:.1f} ms (target < {TARGET_P95_MS:.0f} ms) {load.failure}")  # fmt: skip
    print(f"[bench]   CPU seconds during each run ({os.cpu_count()} cores), the rest being PostgreSQL, Redis and"
          " any other process:")  # fmt: skip
    for rate, load in loads.items():
        cpu = load.cpu
        rest = cpu["machine"] - cpu["gunicorn"] - cpu["worker"] - cpu["writer"] - cpu["wrk"]
        print(f"[bench]     {rate:g} writes/s: gunicorn {cpu['gunicorn']:.1f}, Celery worker {cpu['worker']:.1f},"
              f" writer {cpu['writer']:.1f}, wrk {cpu['wrk']:.1f}, the rest {rest:.1f},"
              f" of {cpu['machine']:.1f} busy")  # fmt: skip
    for rate, load in loads.items():
        assert not load.failure, (rate, load.failure)
        assert not load.write_errors, load.write_errors[:3]
    for rate in RATES:
        assert loads[rate].requests_per_second >= TARGET_SHARE * baseline.requests_per_second, rate
        assert loads[rate].p95_ms < TARGET_P95_MS, rate
