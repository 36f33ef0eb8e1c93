"""Signing up with a registered address does the same work as with a new one (issue 9, item 16),
so the answer's timing does not tell which addresses have an account."""

from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from customers.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_up(client: Any, capture: Any, monkeypatch: pytest.MonkeyPatch, email: str) -> dict:
    """Sign up with ``email``; what it cost: password hashes, e-mails queued and sent."""
    hasher = type(get_hasher("default"))
    encode = hasher.encode
    hashed: list[str] = []

    def counting_encode(self: Any, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        hashed.append(password)
        return encode(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting_encode)
    queued: list[list[str]] = []
    monkeypatch.setattr(
        "customers.adapter.email_send_later",
        lambda **kwargs: queued.append(kwargs["to"]),
    )
    with capture() as callbacks:
        response = client.post(reverse("account_signup"), {
            "first_name": "Heidi", "email": email, "password1": PASSWORD, "password2": PASSWORD,
        })  # fmt: skip
    monkeypatch.undo()
    return {
        "status": response.status_code,
        "location": response["Location"],
        "hashed": hashed,
        "queued": queued,
        "after_commit": len(callbacks),
    }


def test_a_registered_address_costs_what_a_new_one_costs(
    client, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    UserFactory(email="known@example.ch")
    known = _sign_up(client, django_capture_on_commit_callbacks, monkeypatch, "known@example.ch")
    new = _sign_up(client, django_capture_on_commit_callbacks, monkeypatch, "new@example.ch")
    assert User.objects.filter(email="new@example.ch").exists()
    assert (known["status"], known["location"]) == (new["status"], new["location"])
    # The submitted password is hashed once in both cases (the new account's is stored).
    assert known["hashed"] == new["hashed"] == [PASSWORD]
    # One e-mail each, through the same queue: "confirm your address" or "you have an account".
    assert known["queued"] == [["known@example.ch"]] and new["queued"] == [["new@example.ch"]]
    assert known["after_commit"] == new["after_commit"]
    assert not mail.outbox  # both only queued during the request
