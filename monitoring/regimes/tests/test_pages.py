"""The regimes' pages: public lists and a regime's page; the inspector's forms (times in the city's local time);
the staff's plans by form and file (refused rows named, nothing saved); the staff's home block."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.regimes.models import Regime, RegimePlan
from monitoring.regimes.tests.factories import RegimeFactory


def test_the_public_reads_current_and_past_regimes(web, city, stack_a):
    running = RegimeFactory(city=city, bulletin="Bulletin No. 41")
    past = RegimeFactory(
        city=city, degree=3, starts_at=datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2023, 1, 7, tzinfo=datetime.UTC), bulletin="Bulletin No. 3",
    )  # fmt: skip
    public = web(None)
    page = public.get("/regimes/")
    assert page.status_code == 200
    assert "Bulletin No. 41" in page.text and "Bulletin No. 3" in page.text
    filtered = public.get("/regimes/", {"year": 2023, "city": city.code})
    assert "Bulletin No. 3" in filtered.text and filtered.text.count("Bulletin No. 41") == 1  # only under "now"
    detail = public.get(f"/regimes/{running.pk}/")
    assert detail.status_code == 200 and 'data-testid="running"' in detail.text
    assert "20 %" in detail.text and stack_a.enterprise.name in detail.text
    assert public.get(f"/regimes/{past.pk}/").status_code == 200
    city_page = public.get(f"/regimes/cities/{city.code}/")
    assert city_page.status_code == 200 and "Bulletin No. 3" in city_page.text
    assert public.get("/regimes/cities/atlantis/").status_code == 404
    assert public.get("/regimes/new/").status_code == 302


def test_the_inspector_declares_in_the_citys_local_time(web, inspector, city):
    browser = web(inspector)
    assert browser.get("/regimes/new/").status_code == 200
    answer = browser.post("/regimes/new/", {
        "city": city.pk, "degree": 2, "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-02T08:00",
        "bulletin": "No. 9",
    })  # fmt: skip
    assert answer.status_code == 302
    regime = Regime.objects.get()
    # The test region's zone is Asia/Almaty (UTC+5 since March 2024).
    assert regime.starts_at == datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)
    refused = browser.post("/regimes/new/", {
        "city": city.pk, "degree": 2, "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-01T19:00",
        "bulletin": "No. 10",
    })  # fmt: skip
    assert refused.status_code == 200 and "A regime ends after it starts." in refused.text
    assert Regime.objects.count() == 1
    edited = browser.post(f"/regimes/{regime.pk}/edit/", {
        "degree": 3, "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-02T08:00", "bulletin": "No. 9a",
    })  # fmt: skip
    assert edited.status_code == 302
    regime.refresh_from_db()
    assert regime.degree == 3 and regime.bulletin == "No. 9a"


def test_the_inspector_ends_a_running_regime(web, inspector, city):
    regime = RegimeFactory(city=city)
    assert web(inspector).post(f"/regimes/{regime.pk}/end/", {"ends_at": ""}).status_code == 302
    regime.refresh_from_db()
    assert not regime.is_running()


def test_staff_file_plans_by_form_and_file(web, staff_a, enterprise_a, stack_a, cuts):
    browser = web(staff_a)
    assert browser.get("/regimes/plans/").status_code == 200
    over = browser.post("/regimes/plans/new/", {"source": stack_a.pk, "degree": 2, "planned_cut_percent": "120"})
    assert over.status_code == 400 and "A cut is at most 100 %." in over.text
    assert not RegimePlan.objects.exists()
    short = browser.post("/regimes/plans/new/", {"source": stack_a.pk, "degree": 2, "planned_cut_percent": "15"},
                         follow=True)  # fmt: skip
    assert "short of the required 20 %" in short.text
    assert RegimePlan.objects.get().short
    bad = SimpleUploadedFile(
        "plans.csv", b"source,degree,planned_cut_percent\n0001,1,20\n0001,3,101\n", content_type="text/csv"
    )
    refused = browser.post("/regimes/plans/upload/", {"enterprise": enterprise_a.pk, "file": bad})
    assert refused.status_code == 400 and "Row 3" in refused.text
    assert RegimePlan.objects.count() == 1
    good = SimpleUploadedFile(
        "plans.csv", b"source,degree,planned_cut_percent\n0001,1,20\n0001,3,45\n", content_type="text/csv"
    )
    assert browser.post("/regimes/plans/upload/", {"enterprise": enterprise_a.pk, "file": good}).status_code == 302
    assert sorted(RegimePlan.objects.values_list("degree", "planned_cut")) == [
        (1, Decimal("0.2000")),
        (2, Decimal("0.1500")),
        (3, Decimal("0.4500")),
    ]


def test_staff_see_regimes_over_their_cities_at_home(web, staff_a, staff_b, city, other_city, stack_a):
    RegimeFactory(city=city)
    RegimeFactory(city=other_city)
    home = web(staff_a).get("/")
    assert 'data-testid="home-regimes"' in home.text and city.name in home.text
    assert other_city.name not in home.text
    assert 'data-testid="home-regimes"' not in web(staff_b).get("/").text
