import pytest

from mila.lib import geo


def test_zurich_and_bern_are_found() -> None:
    zurich = geo.lookup("8001", "CH")
    bern = geo.lookup("3011", "CH")
    assert zurich is not None and zurich.name == "Zürich" and zurich.admin1_code == "ZH"
    assert bern is not None and bern.name == "Bern" and bern.admin1_code == "BE"
    assert (zurich.lat, zurich.lng) == (47.3721, 8.5417)


def test_distance_zurich_bern_is_about_95_km() -> None:
    zurich, bern = geo.lookup("8001"), geo.lookup("3011")
    assert zurich and bern
    assert geo.haversine_km(zurich.lat, zurich.lng, bern.lat, bern.lng) == pytest.approx(95, abs=2)


@pytest.mark.parametrize(
    ("postcode", "country", "place"),
    [
        ("10115", "DE", "Berlin"),
        ("1010", "AT", "Wien, Innere Stadt"),
        ("01067", "DE", "Dresden Innere Altstadt"),
    ],
)
def test_germany_and_austria(postcode: str, country: str, place: str) -> None:
    found = geo.lookup(postcode, country)
    assert found is not None and found.name == place


@pytest.mark.parametrize(
    ("postcode", "country"),
    [
        ("0000", "CH"),
        ("99999", "CH"),
        ("800", "CH"),
        ("abcd", "CH"),
        ("", "CH"),
        ("8001", "FR"),
        ("8001", ""),
        ("10115", "CH"),  # a German postcode is not Swiss
        ("9490", "CH"),  # Liechtenstein is not in the table
    ],
)
def test_unknown_postcode_is_none(postcode: str, country: str) -> None:
    assert geo.lookup(postcode, country) is None


def test_postcode_spelling_is_forgiving() -> None:
    assert geo.lookup(" CH-8001 ") == geo.lookup("8001")


def test_postcode_with_several_places_lists_them() -> None:
    place = geo.lookup("1000", "CH")
    assert place is not None
    assert place.names[0] == place.name and len(place.names) > 1


def test_bounding_box_contains_the_radius() -> None:
    zurich = geo.lookup("8001")
    assert zurich
    box = geo.bounding_box(zurich.lat, zurich.lng, 20)
    winterthur = geo.lookup("8400")
    bern = geo.lookup("3011")
    assert winterthur and bern
    assert geo.haversine_km(zurich.lat, zurich.lng, winterthur.lat, winterthur.lng) < 20
    assert box.contains(winterthur.lat, winterthur.lng)
    assert not box.contains(bern.lat, bern.lng)
    # The box is not much larger than needed: its half-height is the radius.
    assert geo.haversine_km(box.min_lat, zurich.lng, zurich.lat, zurich.lng) == pytest.approx(20)
    assert geo.haversine_km(zurich.lat, box.min_lng, zurich.lat, zurich.lng) == pytest.approx(
        20, rel=0.01
    )


@pytest.mark.parametrize(
    ("typed", "country", "postcode"),
    [
        ("DE-10115", "DE", "10115"),
        ("D-10115", "DE", "10115"),
        ("de-10115", "DE", "10115"),
        ("AT-1010", "AT", "1010"),
        ("A-1010", "AT", "1010"),
        ("a-1010", "AT", "1010"),
        ("CH-8001", "CH", "8001"),
        ("80 01", "CH", "8001"),  # whitespace inside, as people type it
        ("8\t0 0\n1", "CH", "8001"),
        ("80\u00a001", "CH", "8001"),  # a no-break space pasted from a web page
        ("101 15", "DE", "10115"),
        (" D - 10115 ", "DE", "10115"),
    ],
)
def test_country_prefixes_and_inner_spaces_are_dropped(
    typed: str, country: str, postcode: str
) -> None:
    assert geo.normalise_postcode(typed) == postcode
    place = geo.lookup(typed, country)
    assert place is not None and place == geo.lookup(postcode, country)


# A box 46–48° N, 8–9° E; "just" is a hair's breadth (1e-9°, about 0.1 mm).
BOX = geo.BoundingBox(min_lat=46.0, max_lat=48.0, min_lng=8.0, max_lng=9.0)
JUST = 1e-9


@pytest.mark.parametrize(
    ("lat", "lng", "inside"),
    [
        pytest.param(47.0, 8.5, True, id="centre"),
        pytest.param(46.0, 8.0, True, id="south-west corner"),
        pytest.param(48.0, 9.0, True, id="north-east corner"),
        pytest.param(46.0, 8.5, True, id="on the southern edge"),
        pytest.param(48.0, 8.5, True, id="on the northern edge"),
        pytest.param(47.0, 8.0, True, id="on the western edge"),
        pytest.param(47.0, 9.0, True, id="on the eastern edge"),
        pytest.param(46.0 - JUST, 8.5, False, id="just south"),
        pytest.param(48.0 + JUST, 8.5, False, id="just north"),
        pytest.param(47.0, 8.0 - JUST, False, id="just west"),
        pytest.param(47.0, 9.0 + JUST, False, id="just east"),
        pytest.param(47.0, 7.0, False, id="west, latitude inside"),
        pytest.param(47.0, 10.0, False, id="east, latitude inside"),
        pytest.param(45.0, 8.5, False, id="south, longitude inside"),
        pytest.param(49.0, 8.5, False, id="north, longitude inside"),
    ],
)
def test_bounding_box_contains_its_edges_and_nothing_beyond(
    lat: float, lng: float, inside: bool
) -> None:
    assert BOX.contains(lat, lng) is inside
