"""The layout of the registry's list pages on any screen (portal.css, "Any screen"): the filters fold under a
"Filters" summary that counts the ones set (open from 768 px), and open when one is wrong; the navigation folds
under "Menu"; a wide table scrolls in its own box. The browser test of every page measures the result
(portal/tests/permission_matrix/test_browser_pages.py)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def folded_filters(html: str) -> tuple[str, str]:
    """The opening tag of the filters' <details> and the text of its summary."""
    match = re.search(r'(<details class="filter-fold"[^>]*>)\s*<summary>([^<]*)</summary>\s*<form method="get"', html)
    assert match, html
    return match.group(1), match.group(2)


def test_the_filters_fold_under_a_summary_that_counts_those_set(web):
    html = web(None).get("/registry/deposits/").content.decode()
    assert folded_filters(html) == ('<details class="filter-fold">', "Filters")

    html = web(None).get("/registry/deposits/?status=operating&kind=&q=slag").content.decode()
    assert folded_filters(html) == ('<details class="filter-fold">', "Filters (2)")


def test_wrong_filters_stay_open(web):
    html = web(None).get("/registry/deposits/?min_tonnage=many").content.decode()
    assert folded_filters(html) == ('<details class="filter-fold" open>', "Filters (1)")


@pytest.mark.parametrize("path", ["/registry/enterprises/", "/returns/", "/audit/"])
def test_every_list_folds_its_filters(web, staff_a, path):
    html = web(staff_a).get(path).content.decode()
    assert folded_filters(html)[1] == "Filters"


def test_the_navigation_folds_under_menu_and_the_tables_scroll_in_their_box(web):
    html = web(None).get("/registry/deposits/").content.decode()
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, html
    assert re.search(r'<details class="site-menu">\s*<summary>Menu</summary>\s*<ul>', nav.group(1))
    assert re.search(r'<div class="table-scroll" tabindex="0">\s*<table class="data striped">', html)
