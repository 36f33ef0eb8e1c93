"""The inbox's texts, rendered once and then taken from the cache.

An inbox page shows twenty notifications, each through its kind's template: that was most of
the page's time. A notification's text depends only on its kind, its context and the language,
so it is cached under exactly those (the context by digest: erasing someone's data from other
people's inboxes, customers/privacy.py, changes the context and so the key).
"""

import json
from collections.abc import Iterable
from hashlib import blake2b

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from notifications.models import Notification

TEXT_SECONDS = 3600  # also how long a changed template takes to show in old notifications


def _key(notification: Notification, language: str | None) -> str:
    context = json.dumps(notification.context, sort_keys=True, default=str).encode()
    digest = blake2b(context, digest_size=12).hexdigest()
    return f"inbox-text:{notification.kind}:{language}:{digest}"


def inbox_texts(page: Iterable[Notification]) -> None:
    """Set ``inbox_text`` (HTML) on each notification: one cache round trip for all, and a
    render for those not cached yet."""
    notifications = list(page)
    language = get_language()
    keys = {notification.pk: _key(notification, language) for notification in notifications}
    cached = cache.get_many(list(keys.values()))
    rendered: dict[str, str] = {}
    for notification in notifications:
        key = keys[notification.pk]
        text = cached.get(key) or rendered.get(key)
        if text is None:
            template = f"{notification.template_dir}/inbox.html"
            text = rendered[key] = render_to_string(template, {"notification": notification})
        notification.inbox_text = mark_safe(text)  # type: ignore[attr-defined]  # noqa: S308
    if rendered:
        cache.set_many(rendered, TEXT_SECONDS)
