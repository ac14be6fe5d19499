"""Statistics kept by `reports.cache.cached` last until a tag they depend on is bumped; a lost version drops them."""

from django.core.cache import cache

from portal import cache_tags
from reports.cache import cached


def test_a_statistics_entry_is_kept_until_its_own_tag_is_bumped(db, django_capture_on_commit_callbacks):
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    def read() -> int:
        return cached("test-entry", 2023, depends=[cache_tags.figures("waste", 2023, "KZ-35")], compute=compute)

    assert read() == 1
    assert read() == 1
    with django_capture_on_commit_callbacks(execute=True):
        cache_tags.bump(cache_tags.figures("waste", 2023, "KZ-55"), cache_tags.PUBLISHED)
    assert read() == 1
    with django_capture_on_commit_callbacks(execute=True):
        cache_tags.bump(*cache_tags.figures_changed("waste", 2023, "KZ-35"))
        assert read() == 2 - 1  # not before the commit
    assert read() == 2
    cache.delete_many(cache_tags.version_keys([cache_tags.ALL]))  # evicted
    assert read() == 3
    assert read() == 3


def test_a_change_of_one_region_and_year_bumps_its_national_and_every_year_tags():
    assert cache_tags.figures_changed("waste", 2023, "KZ-35") == [
        "waste:2023:KZ-35", "waste:2023:KZ", "waste:*:KZ-35", "waste:*:KZ",
    ]  # fmt: skip
