"""Signals the helpers app sends for what its model signals do not show (bulk writes and
``update()`` calls): "these helpers changed". Higher layers listen (matching keeps its read
model of helpers in step) without helpers knowing about them."""

from django.dispatch import Signal

# Sent with ``helper_ids``: the helpers whose status, area, skills or times just changed.
helpers_changed = Signal()
