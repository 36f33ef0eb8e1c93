"""Walk the site as one role: every URL pattern with the objects of a small world, and one
page of each kind linked from there; the pages and the forms found on them."""

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver

MAX_PAGES = 150  # per role; the crawl covers each kind of page, not each object
ROLES = ["anonymous", "customer", "helper", "staff"]


def url_formats(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern as a format string with its parameters: ``bookings/%(reference)s/``."""
    resolver = resolver or get_resolver()
    for _key, entries in resolver.reverse_dict.lists():
        for possibilities, *_ in entries:
            for fmt, _params in possibilities:
                yield prefix + fmt
    for ns_prefix, sub in resolver.namespace_dict.values():
        yield from url_formats(sub, prefix + ns_prefix)


class PageParts(HTMLParser):
    """The links and forms of one page, each field with the value a visitor would send."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._select: tuple[str, list[str]] | None = None  # name, first option

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method, action = a.get("method", "get").lower(), a.get("action", "")
            self.forms.append({"method": method, "action": action, "fields": {}})
        elif not self.forms:
            return
        elif tag == "option" and self._select:
            name, first = self._select
            if "selected" in a:
                self.forms[-1]["fields"][name].append(a.get("value", ""))
            elif not first and a.get("value"):
                first.append(a["value"])
        elif tag in ("input", "select", "textarea", "button") and a.get("name"):
            values = self.forms[-1]["fields"].setdefault(a["name"], [])
            if tag == "select":
                self._select = (a["name"], [])
            elif a.get("type") not in ("checkbox", "radio") or "checked" in a:
                values.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            name, first = self._select
            values = self.forms[-1]["fields"][name]
            if not values:
                values += first
            self._select = None


def client_for(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    return client


def same_site(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(settings.STATIC_URL):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    """Links to pages of the same kind share a shape: ``/admin/bookings/booking/*/change/``."""
    path, _, query = url.partition("?")
    parts = ["*" if any(c.isdigit() for c in part) else part for part in path.split("/")]
    return "/".join(parts) + "?" + ",".join(sorted(name for name, _ in parse_qsl(query)))


def crawl(
    client: Client,
    seeds: list[str],
    on_page: Callable[[str, HttpResponse], None] | None = None,
) -> tuple[set[str], list[tuple[str, dict[str, Any]]]]:
    """GET every seed and one page of each other shape linked from them: the pages and forms.
    ``on_page(url, response)`` sees each response."""
    queue, forms = list(dict.fromkeys(seeds)), []
    seen: set[str] = set()
    shapes: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} → {response.status_code}"
        if on_page is not None:
            on_page(url, response)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = PageParts()
        page.feed(response.content.decode())
        forms += [(url, form) for form in page.forms]
        for link in filter(None, map(same_site, page.links)):
            if link not in seen and _shape(link) not in shapes:
                shapes.add(_shape(link))
                queue.append(link)
    return seen, forms


def seeds(world: dict[str, Any]) -> list[str]:
    seeds = []
    for fmt in url_formats():
        names = [part.split(")")[0] for part in fmt.split("%(")[1:]]
        if not names:
            seeds.append("/" + fmt)
        elif all(name in world["values"] for name in names) and len(names) == 1:
            seeds += ["/" + fmt % {names[0]: value} for value in world["values"][names[0]]]
    return seeds
