"""Every page we render is valid HTML, for every role: it parses without a single error (the
HTML5 parsing algorithm, html5lib in strict mode), uses only the attributes HTML allows on each
element (htmx's are written ``data-hx-*``), and its ids are unique and every reference to one
(a label's ``for``, ``aria-describedby`` …) points at an element on the page.

The Django admin is Django's own markup and is left out."""

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import html5lib
import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from tests.mila.crawl import ROLES, client_for, crawl, seeds

pytestmark = pytest.mark.django_db

GLOBAL = {
    "accesskey", "autocapitalize", "autofocus", "class", "contenteditable", "dir", "draggable",
    "enterkeyhint", "hidden", "id", "inert", "inputmode", "lang", "nonce", "popover", "role",
    "spellcheck", "style", "tabindex", "title", "translate",
}  # fmt: skip
# What HTML allows on each element, beyond the global attributes (only elements we use;
# a new element must be added here, after checking the HTML standard).
ALLOWED: dict[str, set[str]] = {
    "a": {"href", "target", "download", "ping", "rel", "hreflang", "type", "referrerpolicy"},
    "button": {"disabled", "form", "formaction", "formmethod", "formnovalidate", "name",
               "type", "value", "popovertarget"},
    "form": {"accept-charset", "action", "autocomplete", "enctype", "method", "name",
             "novalidate", "target", "rel"},
    "img": {"alt", "src", "srcset", "sizes", "width", "height", "loading", "decoding"},
    "input": {"accept", "alt", "autocomplete", "checked", "dirname", "disabled", "form",
              "list", "max", "maxlength", "min", "minlength", "multiple", "name", "pattern",
              "placeholder", "readonly", "required", "size", "src", "step", "type", "value"},
    "label": {"for"},
    "link": {"href", "rel", "type", "media", "sizes", "hreflang", "crossorigin", "as",
             "integrity"},
    "meta": {"charset", "content", "name", "http-equiv"},
    "option": {"disabled", "label", "selected", "value"},
    "optgroup": {"disabled", "label"},
    "ol": {"reversed", "start", "type"},
    "script": {"src", "type", "defer", "async", "nonce", "integrity", "crossorigin"},
    "select": {"autocomplete", "disabled", "form", "multiple", "name", "required", "size"},
    "textarea": {"autocomplete", "cols", "dirname", "disabled", "form", "maxlength",
                 "minlength", "name", "placeholder", "readonly", "required", "rows", "wrap"},
    "time": {"datetime"},
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "details": {"open", "name"},
    "datalist": set(),
    "fieldset": {"disabled", "form", "name"},
    "html": set(), "head": set(), "body": set(), "title": set(), "main": set(),
    "header": set(), "footer": set(), "nav": set(), "section": set(), "article": set(),
    "aside": set(), "address": set(), "div": set(), "span": set(), "p": set(), "h1": set(),
    "h2": set(), "h3": set(), "h4": set(), "ul": set(), "li": {"value"}, "dl": set(),
    "dt": set(), "dd": set(), "hr": set(), "br": set(), "strong": set(), "em": set(),
    "small": set(), "legend": set(), "summary": set(), "noscript": set(), "abbr": set(),
    "code": set(), "b": set(), "i": set(), "mark": set(), "kbd": set(), "figure": set(),
    "figcaption": set(), "blockquote": {"cite"}, "q": {"cite"}, "pre": set(),
    "table": set(), "thead": set(), "tbody": set(), "tr": set(), "caption": set(),
    "th": {"abbr", "colspan", "headers", "rowspan", "scope"},
    "td": {"colspan", "headers", "rowspan"},
    "svg": {"viewbox", "xmlns", "width", "height", "fill", "focusable"},
    "path": {"d", "fill", "stroke", "stroke-width"},
}  # fmt: skip
REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls", "form", "list")


class _Attributes(HTMLParser):
    """The problems of one page: attributes HTML does not allow, ids twice, dangling refs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"<{tag}> is not in the checked list of elements")
            return
        for name, value in attrs:
            if name.startswith(("data-", "aria-")) or name in GLOBAL or name in ALLOWED[tag]:
                pass
            else:
                self.problems.append(f"<{tag} {name}> is not allowed")
            if name == "id":
                if value in self.ids:
                    self.problems.append(f'id "{value}" twice')
                self.ids.add(value or "")
            if name in REFERENCES and value:
                self.references += [(tag, name, ref) for ref in value.split()]

    handle_startendtag = handle_starttag

    def close(self) -> None:
        super().close()
        for tag, name, ref in self.references:
            if ref not in self.ids:
                self.problems.append(f'<{tag} {name}="{ref}"> points at no element')


def problems_in(body: str) -> list[str]:
    """A whole page, or the fragment htmx swaps into one."""
    problems = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        if body.lstrip().lower().startswith("<!doctype"):
            parser.parse(body)
        else:
            parser.parseFragment(body, container="main")
    except html5lib.html5parser.ParseError as error:
        problems.append(f"parse error: {error}")
    checker = _Attributes()
    checker.feed(body)
    checker.close()
    return problems + checker.problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_valid_html(world: dict[str, Any], role: str) -> None:
    found: dict[str, list[str]] = {}

    def check(url: str, response: HttpResponse) -> None:
        html = "text/html" in response.get("Content-Type", "")
        ours = html and not url.startswith("/admin/") and response.status_code == 200
        if ours and (problems := problems_in(response.content.decode())):
            found[url] = problems

    pages, _forms = crawl(client_for(world, role), seeds(world), check)
    assert len(pages) > 10
    assert not found, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('<body hx-headers="{}">', "<body hx-headers> is not allowed"),
        ('<div hx-get="/x/"></div>', "<div hx-get> is not allowed"),
        ('<p id="a"></p><p id="a"></p>', 'id "a" twice'),
        ('<label for="nowhere">x</label>', '<label for="nowhere"> points at no element'),
        ("<blink>x</blink>", "<blink> is not in the checked list of elements"),
        ("<p><div></p>", "parse error"),
    ],
)
def test_the_checker_finds_what_the_html_checker_reports(body: str, problem: str) -> None:
    page = f"<!DOCTYPE html><html lang='de'><head><title>t</title></head><body>{body}</body></html>"
    if body.startswith("<body"):
        page = f"<!DOCTYPE html><html lang='de'><head><title>t</title></head>{body}</body></html>"
    assert any(p.startswith(problem) for p in problems_in(page)), problems_in(page)


def test_a_valid_page_has_no_problems() -> None:
    page = (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>t</title></head>"
        '<body data-hx-headers="{}"><label for="x">X</label><input id="x" name="x"></body></html>'
    )
    assert problems_in(page) == []


@pytest.mark.usefixtures("catalogue")
def test_the_wizard_pages_are_valid_html(client: Any, world: dict[str, Any]) -> None:
    """The wizard's pages need a booking under way, which the crawl does not start."""
    client.force_login(world["customer"])
    day = timezone.localdate() + timedelta(days=3)
    answers = {
        "problem": {"problem": "Das WLAN geht nicht."},
        "address": {"street": "Bahnhofstrasse 1", "postcode": "8001", "city": "",
                    "country": "CH", "phone": "079 123 45 67"},
        "time": {"timing": "scheduled", "date": day.isoformat(), "time": "10:00"},
    }  # fmt: skip
    pages = {}
    pages["start"] = client.get(reverse("bookings:start", args=["wifi-setup"]), follow=True)
    for step, answer in answers.items():
        pages[step] = client.get(reverse("bookings:step", args=[step]))
        pages[f"{step} with errors"] = client.post(reverse("bookings:step", args=[step]), {})
        client.post(reverse("bookings:step", args=[step]), answer)
    pages["quote"] = client.get(reverse("bookings:quote"))
    pages["switch"] = client.get(reverse("bookings:start", args=["new-computer"]))
    pages["town"] = client.get(reverse("bookings:postcode_lookup"), {"postcode": "8001"})
    pages["not covered"] = client.post(
        reverse("bookings:step", args=["address"]), answers["address"] | {"postcode": "3920"}
    )
    found = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        if problems := problems_in(response.content.decode()):
            found[name] = problems
    assert not found, found
