"""Where pins land: the projection, the cutting of geography to a box, tested on known coordinates."""
import math

import pytest

from portal.projects.map.projection import BBox, bbox_around, clip_line, clip_ring, distance_km, fit

BOX = BBox(west=106.4, south=10.8, east=106.9, north=11.4)


def test_the_corners_of_the_box_land_on_the_margin():
    frame = fit(BOX, width=600, margin=24, min_ratio=0.1, max_ratio=5)
    assert frame.point(11.4, 106.4) == (24, 24)  # north-west
    east, south = frame.point(10.8, 106.9)
    assert east == pytest.approx(600 - 24, abs=0.1)
    assert south == pytest.approx(frame.height - 24, abs=0.1)


def test_a_box_too_tall_for_the_page_fills_the_height_and_is_centred_across():
    tall = BBox(west=106.6, south=10.8, east=106.7, north=11.4)
    frame = fit(tall, width=600, margin=24, max_ratio=1.2)
    assert frame.height == 720
    west, north = frame.point(11.4, 106.6)
    east, south = frame.point(10.8, 106.7)
    assert (north, south) == (24, pytest.approx(720 - 24, abs=0.1))
    assert west - 0 == pytest.approx(600 - east, abs=0.2)  # equal room left and right


def test_two_parks_keep_their_compass_order_and_their_distance_ratio():
    frame = fit(BOX)
    vsip_1 = frame.point(10.93, 106.71)   # south of Bau Bang
    bau_bang = frame.point(11.255, 106.63)  # north-west of VSIP I
    song_than_1 = frame.point(10.905, 106.752)
    assert bau_bang[0] < vsip_1[0] and bau_bang[1] < vsip_1[1]  # further west, further north (smaller y)
    assert song_than_1[0] > vsip_1[0] and song_than_1[1] > vsip_1[1]

    def ground_km(a, b):  # equirectangular, good to a fraction of a percent over 40 km
        mid = math.radians((a[0] + b[0]) / 2)
        return 111.2 * math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(mid))

    def drawn(a, b):
        return math.dist(frame.point(*a), frame.point(*b))

    near, far = ((10.93, 106.71), (10.905, 106.752)), ((10.93, 106.71), (11.255, 106.63))
    assert drawn(*far) / drawn(*near) == pytest.approx(ground_km(*far) / ground_km(*near), rel=0.01)


def test_a_kilometre_is_as_long_north_south_as_east_west():
    frame = fit(BOX)
    one_degree_east = frame.point(11.1, 106.5)[0] - frame.point(11.1, 106.4)[0]
    one_degree_north = frame.point(11.0, 106.5)[1] - frame.point(11.1, 106.5)[1]
    assert one_degree_east / one_degree_north == pytest.approx(math.cos(math.radians(11.1)), rel=0.01)


def test_a_single_place_gets_a_box_around_it():
    assert bbox_around([(11.0, 106.7)], min_span=0.2) == pytest.approx(BBox(106.6, 10.9, 106.8, 11.1))
    assert bbox_around([]) is None


def test_a_line_crossing_the_box_is_cut_at_its_edges():
    box = BBox(0, 0, 10, 10)
    assert clip_line([(-5, 5), (15, 5)], box) == [[(0, 5), (10, 5)]]
    assert clip_line([(-5, -5), (-1, -1)], box) == []
    # out and back in: two pieces
    assert clip_line([(2, 2), (2, 12), (4, 12), (4, 2)], box) == [[(2, 2), (2, 10)], [(4, 10), (4, 2)]]


def test_a_polygon_is_cut_to_the_box_and_stays_closed():
    box = BBox(0, 0, 10, 10)
    square = [(-5, -5), (5, -5), (5, 5), (-5, 5), (-5, -5)]
    cut = clip_ring(square, box)
    assert cut[0] == cut[-1]
    assert set(cut) == {(0, 0), (5, 0), (5, 5), (0, 5)}
    assert clip_ring([(20, 20), (30, 20), (30, 30), (20, 20)], box) == []


def test_a_straight_line_distance_is_measured_on_the_sphere():
    assert distance_km((11.0, 106.7), (11.0, 106.7)) == 0
    assert distance_km((10.0, 106.7), (11.0, 106.7)) == pytest.approx(111.2, abs=0.1)  # one degree north
    # Hanoi to Ho Chi Minh City, about 1,140 km as the crow flies
    assert distance_km((21.028, 105.834), (10.776, 106.700)) == pytest.approx(1140, rel=0.01)
