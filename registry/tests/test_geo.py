import pytest

from registry.geo import in_kazakhstan


@pytest.mark.parametrize(
    ("place", "latitude", "longitude"),
    [
        ("Balkhash", 46.84, 74.98),
        ("Aktau, on the Caspian shore", 43.65, 51.17),
        ("Ust-Kamenogorsk", 49.95, 82.61),
        ("Almaty", 43.2, 76.9),
        ("Astana", 51.13, 71.43),
    ],
)
def test_points_inside_kazakhstan(place, latitude, longitude):
    assert in_kazakhstan(latitude=latitude, longitude=longitude), place


@pytest.mark.parametrize(
    ("place", "latitude", "longitude"),
    [
        ("Moscow", 55.75, 37.62),
        ("Bishkek, just across the border", 42.87, 74.59),
        ("Tashkent", 41.3, 69.24),
        ("Urumqi", 43.83, 87.62),
        ("Omsk, inside the bounding box of Kazakhstan", 54.98, 73.37),
    ],
)
def test_points_outside_kazakhstan(place, latitude, longitude):
    assert not in_kazakhstan(latitude=latitude, longitude=longitude), place
