"""Postcode lookups: table load time and lookups per second (make bench)."""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")

from mila.lib import geo


def main() -> None:
    started = time.perf_counter()
    for country in geo.COUNTRIES:
        geo._table(country)
    load_ms = (time.perf_counter() - started) * 1000
    codes = [(p, "CH") for p in geo._table("CH")] + [(p, "DE") for p in geo._table("DE")]
    sample = random.Random(7).choices(codes, k=200_000)
    started = time.perf_counter()
    for postcode, country in sample:
        geo.lookup(postcode, country)
    per_second = len(sample) / (time.perf_counter() - started)
    zurich = geo.lookup("8001")
    assert zurich
    pairs = [(geo.lookup(p, c) or zurich) for p, c in sample[:100_000]]
    started = time.perf_counter()
    for place in pairs:
        geo.haversine_km(zurich.lat, zurich.lng, place.lat, place.lng)
    distances = len(pairs) / (time.perf_counter() - started)
    print(f"geo: load CH+DE+AT tables      {load_ms:8.1f} ms (once per process)")
    print(f"geo: postcode lookups          {per_second:10,.0f} /s")
    print(f"geo: haversine distances       {distances:10,.0f} /s")
    print(f"geo: lookups per distance      {per_second / distances:8.2f} x")


if __name__ == "__main__":
    main()
