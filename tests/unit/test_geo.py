from __future__ import annotations

import pytest

from domain.geo import Point, bounding_box, haversine_km


def test_distance_between_juarez_and_chihuahua_city_is_about_340_km() -> None:
    km = haversine_km(31.7200, -106.4600, 28.6353, -106.0889)
    assert 335 < km < 350


def test_a_point_in_the_box_corner_is_outside_the_radius_but_every_radius_point_is_inside() -> None:
    center = Point(25.6866, -100.3161)  # Monterrey
    box = bounding_box(center, 10.0)
    for lat, lon in [(box.min_lat, center.longitude), (center.latitude, box.max_lon)]:
        assert haversine_km(center.latitude, center.longitude, lat, lon) == pytest.approx(
            10, rel=0.01
        )
    assert haversine_km(center.latitude, center.longitude, box.max_lat, box.max_lon) > 10


def test_points_outside_the_globe_are_refused() -> None:
    with pytest.raises(ValueError, match="latitude"):
        Point(100, 101)
    with pytest.raises(ValueError, match="longitude"):
        Point(10, -181)
