"""What a hostile or careless client sends: boundary values of every kind, random values, wrong types."""

import datetime
import re
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The suite's run: few examples per endpoint or parser, reproducible (derandomize: the same examples every run, so
# CI never fails by chance), no example database, no deadline (a request may take a while on a busy machine).
HOSTILE = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Parsers run without requests: more examples for the same time.
HOSTILE_PARSERS = settings(HOSTILE, max_examples=150)

ARABIC_INDIC = "\u0661\u0662\u0663"  # 123 in Arabic-Indic digits, which Python's Decimal and int read
FULL_WIDTH = "\uff11\uff12\uff13"  # 123 in full-width digits
NUMBERS = [
    "1e25", "1e400", "-1e400", "1e-400", "1e999999999", "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "-0",
    "0", "-1", "9" * 40, "9" * 5000, "0." + "0" * 30 + "1", "1.0000000001", "0.00000000001", "99999999999999.9",
    "9999999999999.999", "1_000", ARABIC_INDIC, FULL_WIDTH, "0x1A", "1,5", "1 000,5", "+1", ".5", "5.", "1e",
    "e5", "<0.001", "<", "<<1", "", " ",
]  # fmt: skip
TEXTS = [
    "\x00", "a\x00b", "\x07", "\x1b[2J", "\x7f", "\x85", "\u202e", "\ufeff", "x" * 200, "x" * 201, "x" * 301,
    "x" * 20_000, "'; DROP TABLE registry_deposit; --", "<script>alert(1)</script>", "%s%s%(x)s", "{0}", "\\",
    "line\nbreak", "\t",
]  # fmt: skip
DATES = [
    "0001-01-01T01:00:00+05:00", "0001-01-01T01:00:00-05:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59+05:00", "2095-01-01T00:00:00+05:00", "1899-12-31T23:59:59Z", "1900-01-01T00:00:00+05:00",
    "2024-02-30T10:00:00+05:00", "2024-05-01T24:00:00+05:00", "2024-05-01T10:00:60+05:00",
    "2024-05-01T10:00:00+99:00", "2024-05-01T10:00:00+15:59", "2024-05-01", "0001-01-01", "9999-12-31",
    "2024-05-01T10:00:00", "now",
]  # fmt: skip
YEARS = [0, 1, 1899, 1900, 2095, 9999, 10**6, -1, 2**31, 2**63, "\u0662\u0660\u0662\u0664", "2_024", "2024.0", "2024.5"]
WRONG_TYPES = [None, True, False, [], {}, [1, 2], {"a": {"b": 1}}, 2**64, -(2**63)]

ZONES = [datetime.UTC, datetime.timezone(datetime.timedelta(hours=5)), datetime.timezone(datetime.timedelta(hours=-5))]


def _isoformat(moment: datetime.datetime) -> str:
    return moment.isoformat()


def texts(*, surrogates: bool = False) -> st.SearchStrategy[str]:
    """Random text from any script, control characters included (lone surrogates only where no request body has to
    be encoded: a parser's input)."""
    alphabet = st.characters() if surrogates else st.characters(exclude_categories=["Cs"])
    return st.text(alphabet=alphabet, max_size=40)


def scalars(*, surrogates: bool = False) -> st.SearchStrategy[object]:
    """Anything a JSON body may carry in a field."""
    # Half boundary values, half random ones.
    boundary = st.sampled_from([*NUMBERS, *TEXTS, *DATES, *YEARS, *WRONG_TYPES])
    random = st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
        texts(surrogates=surrogates),
        st.text(alphabet=string.digits + ".-+eE", max_size=30),
        st.datetimes(
            min_value=datetime.datetime(1, 1, 2),
            max_value=datetime.datetime(9999, 12, 30),
            timezones=st.sampled_from(ZONES),
        ).map(_isoformat),
    )
    return st.one_of(boundary, random)


_NUMERIC = re.compile(r"[+-]?[0-9.,\s]+")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].*")


def like(current: object, *, surrogates: bool = False) -> st.SearchStrategy[object]:
    """Values to put where `current` is: half of them the boundary values of its kind (times for a time, numbers and
    years for a number, text for text), half anything at all."""
    if isinstance(current, str) and _TIME.fullmatch(current):
        focused = st.sampled_from(DATES)
    elif isinstance(current, int | float) or (isinstance(current, str) and _NUMERIC.fullmatch(current)):
        focused = st.sampled_from([*NUMBERS, *YEARS])
    else:
        focused = st.sampled_from(TEXTS)
    return st.one_of(focused, scalars(surrogates=surrogates))


def as_form_value(value: object) -> str:
    """As a browser sends it: text."""
    return "" if value is None else value if isinstance(value, str) else str(value)


def cells(current: object = "") -> st.SearchStrategy[str]:
    """What a cell of a CSV file holds: text."""
    return like(current).map(as_form_value)
