"""Postcode → place and coordinates, and distances, from the GeoNames tables shipped in
``mila/data/postcodes`` (CC BY 4.0, attribution on the About page).

The tables are read once per process on first use; a lookup is a dict access. Unknown or
malformed input gives ``None``, never an exception: callers turn that into a form error.
"""

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "postcodes"
COUNTRIES = ("CH", "DE", "AT")
POSTCODE_LENGTH = {"CH": 4, "AT": 4, "DE": 5}
EARTH_RADIUS_KM = 6371.0088
# A post office's number after the town: 'Lausanne 25', 'Bern 60 UPD', 'Altdorf UR 1'.
OFFICE_NUMBER = re.compile(r"\s+\d+(\s+[A-Z]{2,4})?$")


@dataclass(frozen=True, slots=True)
class Place:
    country: str
    postcode: str
    name: str
    admin1_code: str
    admin1_name: str
    lat: float
    lng: float
    other_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every locality that uses this postcode, the representative one first."""
        return (self.name, *self.other_names)

    @property
    def towns(self) -> tuple[str, ...]:
        """The towns of this postcode as people write them: each name without the number of
        its post office ('Lausanne 25', 'Lausanne 16' → 'Lausanne'), once, the first first."""
        return tuple(dict.fromkeys(OFFICE_NUMBER.sub("", name) for name in self.names))

    def town_named(self, typed: str) -> str | None:
        """The GeoNames spelling of the town typed for this postcode ('zurich' → 'Zürich',
        'lausanne' → 'Lausanne', 'Bienne' → 'Biel/Bienne'), or None if it is none of the
        postcode's names."""
        wanted = fold_name(typed)
        for name in (*self.names, *self.towns):
            if wanted in (fold_name(name), *(fold_name(part) for part in name.split("/"))):
                return name
        return None


def fold_name(name: str) -> str:
    """A place name without case, accents and punctuation: 'ZURICH', 'Zürich' and 'zürich'
    are one town, and so are 'St. Gallen' and 'St Gallen'."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(c)
    )
    for mark in ".,-/'’":
        bare = bare.replace(mark, " ")
    return " ".join(bare.casefold().split())


@cache
def _table(country: str) -> dict[str, Place]:
    rows: dict[str, list[dict[str, str]]] = {}
    with (DATA_DIR / f"{country}.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["postcode"], []).append(row)
    table = {}
    for postcode, group in rows.items():
        first = group[0]
        others = tuple(dict.fromkeys(r["place"] for r in group[1:] if r["place"] != first["place"]))
        table[postcode] = Place(
            country=country,
            postcode=postcode,
            name=first["place"],
            admin1_code=first["admin1_code"],
            admin1_name=first["admin1_name"],
            lat=float(first["latitude"]),
            lng=float(first["longitude"]),
            other_names=others,
        )
    return table


def normalise_postcode(postcode: str) -> str:
    """'CH-8001', ' 8001 ' and '8001' are the same postcode."""
    value = "".join(str(postcode).split()).upper()
    for prefix in ("CH-", "DE-", "AT-", "D-", "A-"):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def lookup(postcode: str, country: str = "CH") -> Place | None:
    """The place for a postcode in a country, or None if there is no such postcode."""
    country = (country or "").upper()
    if country not in COUNTRIES:
        return None
    code = normalise_postcode(postcode)
    if len(code) != POSTCODE_LENGTH[country] or not code.isdigit():
        return None
    return _table(country).get(code)


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float

    def contains(self, lat: float, lng: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lng <= lng <= self.max_lng


def bounding_box(lat: float, lng: float, radius_km: float) -> BoundingBox:
    """A lat/lng box that contains every point within radius_km of (lat, lng).

    Used as an indexed pre-filter; the exact haversine check follows.
    """
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    # Longitude degrees shrink towards the poles; clamp the cosine so the box stays finite.
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 0.01)))
    return BoundingBox(lat - dlat, lat + dlat, lng - dlng, lng + dlng)
