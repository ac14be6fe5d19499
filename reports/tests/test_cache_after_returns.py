"""A return accepted in Karaganda drops only the answers that show it: its enterprise's statistics page, Karaganda's
figures, the national figures of its year and the answers of every year; Pavlodar's pages, the deposit pages and
the API answers of other years stay cached."""

from registry.returns import services
from reports.tests.test_aggregates import line


def test_a_return_accepted_in_karaganda_drops_only_what_shows_it(
    world, cached_after, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waste_return = services.return_create(
            actor=world.staff_k, enterprise=world.enterprise_k, year=2023,
            lines=[line("10 06 03", None, "amber", "0", "130", "0")],
        )  # fmt: skip
        version = waste_return.current
        confirmations = {warning.key: "test" for warning in services.current_warnings(version)}
        services.return_submit(actor=world.staff_k, version=version, confirmations=confirmations)

    still_cached = cached_after(lambda: services.return_accept(actor=world.inspector_k, version=version))

    assert set(world.pages()) - still_cached == {
        "enterprise K statistics", "region K", "regional table", "dashboard", "home", "API waste", "API waste 2023",
        "API waste K", "API waste 2023 K",
    }  # fmt: skip
    assert "region P" in still_cached and "API waste 2022 K" in still_cached and "deposit K" in still_cached


def test_the_dropped_answers_show_the_new_figures(world, cached_after, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        waste_return = services.return_create(
            actor=world.staff_k, enterprise=world.enterprise_k, year=2023,
            lines=[line("10 06 03", None, "amber", "0", "4242424", "0")],
        )  # fmt: skip
        version = waste_return.current
        confirmations = {warning.key: "test" for warning in services.current_warnings(version)}
        services.return_submit(actor=world.staff_k, version=version, confirmations=confirmations)

    cached_after(lambda: services.return_accept(actor=world.inspector_k, version=version))

    pages = world.pages()
    assert "4,242.4" in client.get(pages["region K"]).content.decode()
    assert "4,242.4" in client.get(pages["regional table"]).content.decode()
    held = [
        row["value"] for row in client.get(pages["API waste 2023 K"]).json()["results"] if row["indicator"] == "held"
    ]
    assert held == ["4242.4"]
