"""The bare view's settings for bench/bench_http.py: Mila's own, with a URLconf of one view.

Same middleware, database, cache and gunicorn as the real pages, so the ratio between a page
and this view is what the page itself costs.
"""

from mila.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
