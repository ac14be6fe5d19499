"""The regional annual report as an official signs it: a title page (portal, report, region, year, language, when it
was generated and who ordered it), the coverage of the year's returns, tables and charts with legends and units,
the sources, "page N of M" on every page and as many pages as the data need (a long table repeats its header), all
in the report's language, numbers and dates included. The text is read back from the PDF with pypdf."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import datetime
import io
import zoneinfo

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from registry.models import Region
from registry.reference import load_regions
from registry.returns.reference import load_waste_codes
from registry.tests.factories import DepositFactory, EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory
from reports import pdf, services
from reports.models import MonitoringAggregate, RegionalReport
from reports.pdf import layout
from reports.reference import load_published_statistics
from reports.tests.test_aggregates import accept, line

GENERATED = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))
POLLUTANTS = 70  # monitoring rows enough to run over more than one page


@pytest.fixture
def karaganda(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    load_regions()
    load_published_statistics()
    load_waste_codes()
    return Region.objects.get(iso_code="KZ-35")


@pytest.fixture
def filed(karaganda, django_capture_on_commit_callbacks):
    """2019 in Karaganda: one enterprise's return accepted, with 1 606 778 700 t held at year end; another holds a
    deposit and filed nothing (1 of 2 expected returns accepted: provisional); monitoring of many pollutants."""
    inspector = InspectorAssignmentFactory(region=karaganda, user__username="inspector_k").user
    filer = EnterpriseFactory(name="Qarmet JSC", region=karaganda)
    staff = MembershipFactory(enterprise=filer, user__username="staff_k").user
    DepositFactory(operator=EnterpriseFactory(name="Silent Mining LLP", region=karaganda), start_year=2001)
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff, inspector, filer, 2019, [line("10 06 03", None, "amber", "1606778000", "700", "0")])
    MonitoringAggregate.objects.bulk_create(
        MonitoringAggregate(
            year=2019, region=karaganda, pollutant_code=f"P{index:02}", medium="air", unit="mg/m3", results=12,
            mean=0.5, maximum=1234.5, exceeding=index % 3, high=index % 2, extreme=0, points=2, enterprises=1,
        )
        for index in range(POLLUTANTS)
    )  # fmt: skip
    return inspector


def pages(content: bytes) -> list[str]:
    """The text of each page, its spaces (the thousands separator is a non-breaking one) made plain."""
    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(io.BytesIO(content)).pages]


def make(region: Region, year: int, language: str, orderer) -> list[str]:
    report = RegionalReport.objects.create(region=region, year=year, language=language, requested_by=orderer)
    return pages(pdf.regional_report(report, generated_at=GENERATED, progress=lambda percent: None))


EXPECTED = {
    "kk": {
        "title": "Тау-кен металлургия өнеркәсібі қалдықтары туралы жылдық есеп",
        "region": "Қарағанды облысы",
        "generated": "Қалыптастырылған уақыты 25.11.2026 10:00 (UTC+05:00)",
        "page": "{pages} беттің {page}-беті",
        "coverage": ["Күтілген есептердің қабылданған үлесі 50,0 %", "деректер алдын ала"],
        "figure": "1 606 778,7",
        "legend": ["жарияланған (ресми статистика)", "қабылданған есептер бойынша", "мың тонна", "мг/м³"],
        "source": "Дереккөз: ресми статистика: Bureau of National Statistics",
        "monitoring_header": "Ең үлкен мәні",
        "maximum": "1 234,5000",
    },
    "ru": {
        "title": "Годовой отчёт об отходах горно-металлургической промышленности",
        "region": "Карагандинская область",
        "generated": "Сформирован 25 ноября 2026 г. 10:00 (UTC+05:00)",
        "page": "Страница {page} из {pages}",
        "coverage": ["Доля принятых отчётов от ожидаемых 50,0 %", "предварительные"],
        "figure": "1 606 778,7",
        "legend": ["опубликовано (официальная статистика)", "по принятым отчётам предприятий", "тыс. тонн", "мг/м³"],
        "source": "Источник: официальная статистика: Bureau of National Statistics",
        "monitoring_header": "Максимум",
        "maximum": "1 234,5000",
    },
    "en": {
        "title": "Annual report on mining and metallurgical waste",
        "region": "Karaganda",
        "generated": "Generated on Nov. 25, 2026, 10 a.m. (UTC+05:00)",
        "page": "Page {page} of {pages}",
        "coverage": ["Share of expected returns accepted 50.0%", "provisional"],
        "figure": "1,606,778.7",
        "legend": ["published (official statistics)", "reported in accepted returns", "thousand tonnes", "mg/m³"],
        "source": "Source: official statistics: Bureau of National Statistics",
        "monitoring_header": "Maximum",
        "maximum": "1,234.5000",
    },
}


# Interface words that must not be left in English in the Kazakh and Russian reports.
ENGLISH = ("Page ", "Source:", "thousand tonnes", "Generated", "Coverage", "Sources", "Maximum", "mg/m", "Figure",
           "published", "reported", "provisional", "Signature", "Ordered")  # fmt: skip


def test_the_report_is_a_document_an_official_signs_in_each_language(filed, karaganda):
    for language, expected in EXPECTED.items():
        text = make(karaganda, 2019, language, filed)
        flat = " ".join(" ".join(text).split())

        # The title page: the report, its region and year, when it was generated and who ordered it.
        title_page = " ".join(text[0].split())
        assert expected["title"] in title_page
        assert f"{expected['region']} (KZ-35)" in title_page
        assert expected["generated"] in title_page
        assert "inspector_k" in title_page
        # Page N of M on every page; the long monitoring table runs over pages, its header repeated on each.
        assert len(text) >= 4
        for number, page in enumerate(text, start=1):
            assert expected["page"].format(page=number, pages=len(text)) in page
        assert sum(expected["monitoring_header"] in " ".join(page.split()) for page in text) >= 2
        assert flat.count("P69") == 1 and "P00" in flat
        # Coverage, figures and units in the language's format, legends, sources and the place for signatures.
        for part in expected["coverage"]:
            assert part in flat
        assert expected["figure"] in flat
        assert expected["maximum"] in flat
        for part in expected["legend"]:
            assert part in flat
        assert expected["source"] in flat
        assert "Qarmet JSC" in flat and "Silent Mining LLP" in flat
        if language != "en":
            assert [word for word in ENGLISH if word in flat] == [], language


def test_the_worker_writes_the_report_with_its_generation_time(karaganda, administrator):
    report = RegionalReport.objects.create(region=karaganda, year=2019, language="ru", requested_by=administrator)
    services.report_generate(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    with report.file.open("rb") as handle:
        text = pages(handle.read())
    assert len(text) >= 2
    generated = report.finished_at.astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря"]  # fmt: skip
    title_page = " ".join(text[0].split())
    assert f"Сформирован {generated.day} {months[generated.month - 1]} {generated.year} г." in title_page


def test_a_region_with_no_figures_yet_says_so_on_numbered_pages(karaganda, administrator):
    text = make(Region.objects.get(iso_code="KZ-10"), 2023, "kk", administrator)
    flat = " ".join(" ".join(text).split())
    assert "Бұл өңір бойынша 2023 жылға дейін қалдықтар туралы деректер жоқ." in flat
    assert "Бұл жылы өңірде қалдықтар туралы бірде-бір есеп күтілмеген және жіберілмеген." in flat
    assert f"{len(text)} беттің {len(text)}-беті" in text[-1]


def test_the_embedded_font_has_every_kazakh_letter():
    font = TTFont("check", str(layout.FONT_DIR / "DejaVuSans.ttf"))
    letters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
    assert [letter for letter in letters if ord(letter) not in font.face.charToGlyph] == []
