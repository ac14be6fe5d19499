"""The faults as seen with the demo data: one 2024 return accepted made 2024 "generated" 750 kt against about
28,000 kt the year before, and Karaganda's 2023 figure fell from 39,134 to 8,880 kt because one return was sent
back, with nothing saying how many returns a figure covers. Now the dashboard, the regional table, the downloads
and the stats API say it, and mark those figures provisional."""

import csv
import io

import pytest

from portal.models import User
from registry.demo import load_demo
from registry.returns import services
from registry.returns.demo import load_returns_demo
from registry.returns.models import ReturnStatus, WasteReturn
from reports.aggregates import check_against_rebuild, rebuild_all
from reports.reference import load_published_statistics

pytestmark = pytest.mark.django_db


def demo_with_one_2024_return_accepted(callbacks) -> None:
    """The demo data (21 enterprises expected each year) and the one 2024 return waiting in the inspector's queue
    (a synthetic Karaganda enterprise) accepted."""
    load_demo()
    load_returns_demo()
    load_published_statistics()
    rebuild_all()
    waiting = WasteReturn.objects.get(year=2024, current__status=ReturnStatus.SUBMITTED).current_version
    with callbacks(execute=True):
        services.return_accept(actor=User.objects.get(username="inspector"), version=waiting)


def row_of(html: str, start: str) -> str:
    begin = html.index(start)
    return html[begin : html.index("</tr>", begin)]


def test_2024_and_karaganda_2023_are_provisional_with_their_coverage(client, django_capture_on_commit_callbacks):
    """One 2024 return accepted: 2024 is provisional on the dashboard, the regional table, the downloads and the
    API; Karaganda's 2023 figure, after the send-back, is provisional with one fewer accepted return."""
    demo_with_one_2024_return_accepted(django_capture_on_commit_callbacks)
    assert check_against_rebuild(repair=False) == []  # the incremental refresh kept the coverage

    # The dashboard: 2024's figures are marked, with "1 of 21 expected returns"; 2023 (20 of 21) is not.
    response = client.get("/statistics/")
    dashboard = response.content.decode()
    year_2024 = row_of(dashboard, "<tr><td>2024</td>")
    assert "750.0" in year_2024
    assert "1 of 21 expected returns (4.8 %) · 20 missing" in year_2024
    assert '<span class="badge provisional">provisional</span>' in year_2024
    year_2023 = row_of(dashboard, "<tr><td>2023</td>")
    assert "20 of 21 expected returns (95.2 %) · 1 missing (1 sent back for correction)" in year_2023
    assert "provisional" not in year_2023
    chart = response.context["chart"]
    assert chart["reported_provisional"][chart["years"].index(2024)] is True
    assert chart["reported_coverage"][chart["years"].index(2024)] == "1 of 21 expected returns, provisional"
    assert chart["reported_provisional"][chart["years"].index(2023)] is False

    # Its download.
    text = client.get("/statistics/", {"format": "csv"}).content.decode("utf-8-sig")
    (record,) = [row for row in csv.DictReader(io.StringIO(text)) if row["Year"] == "2024"]
    reported = {name: record[f"reported in returns: {name}"] for name in (
        "generated, kt", "accepted returns", "expected returns", "missing returns", "provisional",
    )}  # fmt: skip
    assert reported == {
        "generated, kt": "750.0", "accepted returns": "1", "expected returns": "21", "missing returns": "20",
        "provisional": "yes",
    }  # fmt: skip

    # The regional table: the 2024 column is marked; each region shows its own coverage, also without a figure.
    table_response = client.get("/statistics/regions/")
    table = table_response.content.decode()
    header = table[table.index('data-testid="reported-2024"') :]
    assert header[: header.index("</th>")].endswith('<span class="badge provisional">provisional</span>')
    karaganda = row_of(table, '<tr><td><a href="/statistics/regions/KZ-35/">')
    assert "1 of 2 returns" in karaganda
    rows = list(
        csv.reader(io.StringIO(client.get("/statistics/regions/", {"format": "csv"}).content.decode("utf-8-sig")))
    )
    at = {name: index for index, name in enumerate(rows[0])}
    body = {row[1]: row for row in rows[1:]}
    assert (body["KZ"][at["2024: accepted returns"]], body["KZ"][at["2024: expected returns"]]) == ("1", "21")
    assert body["KZ"][at["2024: provisional"]] == "yes"
    assert (body["KZ-71"][at["reported in returns: 2024"]], body["KZ-71"][at["2024: missing returns"]]) == ("", "1")

    # The stats API.
    records = client.get("/api/v1/stats/waste/", {"year": 2024}).json()["results"]
    generated = next(r for r in records if r["region"] == "KZ" and r["indicator"] == "generated")
    assert generated["value"] == "750.0"
    assert generated["coverage"] == {
        "expected": 21, "accepted": 1, "submitted": 0, "missing": 20, "sent_back": 0, "share": "4.8",
        "provisional": True,
    }  # fmt: skip

    # Karaganda 2023: the Balkhash plant's return was sent back, so the figure (8,880.7 kt against 39,134.2 kt in
    # 2022) covers one of the two expected returns, one fewer than 2022's, and is provisional.
    records = client.get("/api/v1/stats/waste/", {"region": "KZ-35"}).json()["results"]
    held = {r["year"]: r for r in records if r["indicator"] == "held" and r["source"] == "reported"}
    assert (held[2022]["value"], held[2023]["value"]) == ("39134.2", "8880.7")
    assert (held[2022]["coverage"]["accepted"], held[2022]["coverage"]["provisional"]) == (2, False)
    assert held[2023]["coverage"] == {
        "expected": 2, "accepted": 1, "submitted": 0, "missing": 1, "sent_back": 1, "share": "50.0",
        "provisional": True,
    }  # fmt: skip
    page = client.get("/statistics/regions/KZ-35/").content.decode()
    year_2023 = row_of(page, "<tr><td>2023</td>")
    assert "1 of 2 expected returns (50.0 %) · 1 missing (1 sent back for correction)" in year_2023
    assert "provisional" in year_2023
    regional = table_response.context["table"]
    (row,) = [row for row in regional.rows if row.region.iso_code == "KZ-35"]
    column = regional.columns.index(next(c for c in regional.columns if (c.year, c.source) == (2023, "reported")))
    assert (str(row.values[column]), row.coverage[column].accepted) == (held[2023]["value"], 1)
    assert row.coverage[column].provisional
