import pytest
from django.template import Context, Template
from django.utils import translation

from mila.lib.money import format_chf

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("rappen", "language", "text"),
    [
        (7900, "de", "CHF 79.00"),
        (4950, "fr", "CHF 49.50"),
        (5, "it", "CHF 0.05"),
        (0, "en", "CHF 0.00"),
        (123456, "de", "CHF 1\u2019234.56"),
        (123456, "en", "CHF 1,234.56"),
        (-2000, "de", "CHF -20.00"),
        # Swiss French and Italian group thousands with an apostrophe too, from 1000 on.
        (123456, "fr", "CHF 1\u2019234.56"),
        (123456, "it", "CHF 1\u2019234.56"),
        (123456789, "fr", "CHF 1\u2019234\u2019567.89"),
        (123456789, "it", "CHF 1\u2019234\u2019567.89"),
        (99999, "fr", "CHF 999.99"),
        (100000, "it", "CHF 1\u2019000.00"),
        (100000, "fr-ch", "CHF 1\u2019000.00"),
    ],
)
def test_format_chf(rappen: int, language: str, text: str) -> None:
    assert format_chf(rappen, language) == text.replace("CHF ", "CHF" + NBSP)


@pytest.mark.parametrize("value", [79.0, "7900", True])
def test_money_must_be_integer_rappen(value: object) -> None:
    with pytest.raises(TypeError):
        format_chf(value)


def test_template_filter_uses_current_language() -> None:
    template = Template("{% load mila %}{{ amount|chf }}")
    with translation.override("en"):
        assert template.render(Context({"amount": 250000})) == f"CHF{NBSP}2,500.00"
    with translation.override("de"):
        assert template.render(Context({"amount": 250000})) == f"CHF{NBSP}2\u2019500.00"
