"""QuickSelect writes the same HTML as Django's Select, without a template per option."""

import pytest
from django import forms
from django.test.html import parse_html

from mila.widgets import QuickSelect

CHOICES = [("", "Choose a time"), ("08:00", "08:00"), ("08:30", "08:30"), ("<&>", "a < b & c")]


@pytest.mark.parametrize("value", [None, "", "08:30", "<&>", "09:00"])
def test_the_same_select_as_djangos(value: str | None) -> None:
    attrs = {"id": "id_time", "required": True, "aria-invalid": "true"}
    ours = QuickSelect(choices=CHOICES).render("time", value, attrs)
    djangos = forms.Select(choices=CHOICES).render("time", value, attrs)
    assert parse_html(ours) == parse_html(djangos)
    assert ("selected" in ours) == (value != "09:00")  # nothing chosen: the blank option
