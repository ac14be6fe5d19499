"""The regimes API: public reads with filters; declaring, changing and ending for those allowed, bad input refused in
the one error shape naming the field; plans for the enterprise's staff."""

import datetime

from django.utils import timezone

from monitoring.regimes.models import Regime, RegimePlan
from monitoring.regimes.tests.factories import RegimeFactory

URL = "/api/v1/regimes/"
NOW = timezone.now()


def body(city, **changes):
    return {
        "city": city.code, "degree": 2, "starts_at": NOW.isoformat(),
        "ends_at": (NOW + datetime.timedelta(days=1)).isoformat(), "bulletin": "No. 7", **changes,
    }  # fmt: skip


def test_the_public_lists_and_filters(client_for, city, other_city):
    running = RegimeFactory(city=city)
    past = RegimeFactory(
        city=other_city, starts_at=datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2023, 1, 7, tzinfo=datetime.UTC),
    )  # fmt: skip
    public = client_for(None)
    answer = public.get(URL)
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [running.pk, past.pk]
    first = answer.json()["results"][0]
    assert first["city"] == city.code and first["running"] is True and first["required_cut"] == "0.2000"
    assert [r["id"] for r in public.get(URL, {"city": other_city.code}).json()["results"]] == [past.pk]
    assert [r["id"] for r in public.get(URL, {"year": 2023}).json()["results"]] == [past.pk]
    assert [r["id"] for r in public.get(URL, {"active": "true"}).json()["results"]] == [running.pk]
    assert public.get(f"{URL}{past.pk}/").json()["city"] == other_city.code
    cities = public.get(f"{URL}cities/").json()["results"]
    assert {row["code"] for row in cities} == {city.code, other_city.code}
    assert public.get(f"{URL}cities/{city.code}/").status_code == 200


def test_an_inspector_declares_and_bad_input_names_the_field(client_for, inspector, city):
    api = client_for(inspector)
    answer = api.post(URL, body(city), format="json")
    assert answer.status_code == 201, answer.json()
    regime = Regime.objects.get()
    bad = api.post(URL, body(city, ends_at=(NOW - datetime.timedelta(hours=1)).isoformat()), format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "ends_at"
    assert bad.json()["errors"][0]["code"] == "ends_before_start"
    unknown = api.post(URL, {**body(city), "city": "atlantis"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "city"
    degree = api.post(URL, body(city, degree=4), format="json")
    assert degree.status_code == 400 and degree.json()["errors"][0]["field"] == "degree"
    assert Regime.objects.count() == 1
    changed = api.patch(f"{URL}{regime.pk}/", {"degree": 3}, format="json")
    assert changed.status_code == 200 and changed.json()["degree"] == 3
    ended = api.post(f"{URL}{regime.pk}/end/", {}, format="json")
    assert ended.status_code == 200 and ended.json()["running"] is False


def test_who_may_not_declare(client_for, staff_a, other_inspector, city):
    assert client_for(None).post(URL, body(city), format="json").status_code == 401
    assert client_for(staff_a).post(URL, body(city), format="json").status_code == 403
    assert client_for(other_inspector).post(URL, body(city), format="json").status_code == 403
    regime = RegimeFactory(city=city)
    assert client_for(other_inspector).patch(f"{URL}{regime.pk}/", {"degree": 1}, format="json").status_code == 403
    assert not Regime.objects.exclude(pk=regime.pk).exists()


def test_plans_through_the_api(client_for, staff_a, staff_b, inspector, stack_a, cuts):
    api = client_for(staff_a)
    answer = api.post(f"{URL}plans/", {"source": stack_a.pk, "degree": 2, "planned_cut": "0.15"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["short"] is True and answer.json()["required_cut"] == "0.2000"
    over = api.post(f"{URL}plans/", {"source": stack_a.pk, "degree": 2, "planned_cut": "1.2"}, format="json")
    assert over.status_code == 400
    assert over.json()["errors"] == [
        {"field": "planned_cut", "code": "max_value", "message": "A cut is at most 100 %."}
    ]
    assert str(RegimePlan.objects.get().planned_cut) == "0.1500"
    assert client_for(None).get(f"{URL}plans/").status_code == 401
    assert [row["source"] for row in client_for(inspector).get(f"{URL}plans/").json()["results"]] == ["0001"]
    assert client_for(staff_b).get(f"{URL}plans/").json()["results"] == []
    refused = client_for(staff_b).post(
        f"{URL}plans/", {"source": stack_a.pk, "degree": 1, "planned_cut": "0.3"}, format="json"
    )
    assert refused.status_code == 403
