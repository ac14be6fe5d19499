"""Every benchmark is bounded, so that a stall fails loudly instead of hanging `make bench` (issue 13): each
statement of a benchmark connection has a statement and a lock timeout, and each benchmark a wall-clock limit.

The timeouts reach every connection a benchmark opens: its own (the settings' connection options), the processes it
forks (they inherit the settings) and the processes it starts, a Celery worker or gunicorn (PGOPTIONS, which libpq
reads when the connection names no options of its own).
"""

import faulthandler
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

import pytest
from django.conf import settings

# Longer than any one statement of the benchmarks at their sizes (the 50 M-result fill goes a year per statement),
# far shorter than a stall: the alert totals that once ran 8 minutes fail after STATEMENT_TIMEOUT.
STATEMENT_TIMEOUT = os.environ.get("BENCH_STATEMENT_TIMEOUT", "300s")
LOCK_TIMEOUT = os.environ.get("BENCH_LOCK_TIMEOUT", "30s")
# A benchmark module may say how long it may take at most (TIMEOUT, seconds); this is the limit of the others.
DEFAULT_TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "900"))
OPTIONS = f"-c statement_timeout={STATEMENT_TIMEOUT} -c lock_timeout={LOCK_TIMEOUT}"


class BenchTimeout(Exception):
    pass


def pytest_configure(config: pytest.Config) -> None:
    if "bench_*.py" not in config.getini("python_files"):
        return  # the test suite, which collects no benchmark (`make bench` names their files)
    # PGOPTIONS given to `make bench` (e.g. auto_explain's settings) still apply: options named in the connection's
    # settings would otherwise replace them.
    os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} {OPTIONS}".strip()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} {os.environ['PGOPTIONS']}".strip()


@pytest.fixture(autouse=True)
def _wall_clock_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """The benchmark fails with BenchTimeout after its limit; should the main thread be stuck where Python cannot
    interrupt it, every thread's stack is printed and the run ends a minute later."""
    seconds = int(getattr(request.module, "TIMEOUT", DEFAULT_TIMEOUT))
    name = request.node.nodeid

    def expired(signum: int, frame: FrameType | None) -> None:
        raise BenchTimeout(f"{name} ran past its limit of {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    faulthandler.dump_traceback_later(seconds + 60, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
