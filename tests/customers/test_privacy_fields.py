"""Deleting an account leaves no copy of what the person wrote or of their e-mail address, in any
model (issue 9, item 17). Every text field has a rule in customers/personal_data.py."""

import json
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from bookings.models import BookingEvent, VisitReport, WaitlistEntry
from bookings.notices import notify_staff
from customers.models import User
from customers.personal_data import ERASED, KEPT
from helpers.models import HelperProfile, TimeOff
from notifications.models import Notification
from payments.models import Payment, Refund, StripeEvent
from reviews.models import Review, ReviewEvent
from tests.factories import (
    PASSWORD,
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    UserFactory,
)

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)
# Strings only this person's data contains: their last name (also in their e-mail address),
# their first name and their phone number.
MARKERS = ("zqxmeier", "vrenelis", "798887766")
EMAIL = "vreni.zqxmeier@example.ch"
# Erased fields that cannot carry a marker; checked one by one below.
NOT_SEEDABLE = {"customers.User.password", "helpers.HelperProfile.calendar_token"}


def _text_fields() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS)
    }


def test_every_text_field_has_a_deletion_rule() -> None:
    fields = _text_fields()
    missing = sorted(fields - ERASED.keys() - KEPT.keys())
    assert not missing, f"say in customers/personal_data.py what deletion does to: {missing}"
    assert not ERASED.keys() & KEPT.keys()
    assert not (ERASED.keys() | KEPT.keys()) - fields, "rules for fields that no longer exist"


def _rows_with_markers(label: str) -> list[Any]:
    model_label, name = label.rsplit(".", 1)
    model = apps.get_model(model_label)
    values = model._base_manager.values_list(name, flat=True)
    found = []
    for value in values:
        text = (json.dumps(value, default=str) if not isinstance(value, str) else value).lower()
        if any(marker in text for marker in MARKERS):
            found.append(value)
    return found


@pytest.fixture
def person(db: None) -> Any:
    """A customer who is also a helper, with something written in every erased field."""
    staff = UserFactory(is_staff=True)
    me = UserFactory(first_name="Vrenelis", last_name="Zqxmeier", email=EMAIL,
                     phone="+41798887766")  # fmt: skip
    Authenticator.objects.create(user=me, type="totp", data={"secret": "zqxmeier"})
    UserSession.objects.create(user=me, ip="198.51.100.7", session_key="zqxmeier-session",
                               user_agent="Zqxmeiers iPhone", data={"who": "zqxmeier"})  # fmt: skip
    note = "Frau Zqxmeier, Tel. 079 888 77 66"
    past = BookingFactory(customer=me, status="completed", problem=f"Drucker – {note}",
                          street="Zqxmeierweg 3", city="Zqxmeierhausen",
                          phone="+41798887766")  # fmt: skip
    cancelled = BookingFactory(
        customer=me, status="cancelled", cancellation_reason=note, city="Zqxmeierhausen"
    )
    BookingEvent.objects.create(booking=past, to_status="completed", role="staff", actor=staff,
                                note=f"Kundin {note}")  # fmt: skip
    VisitReport.objects.create(booking=past, work_done=f"Drucker von {note} eingerichtet",
                               devices=["Zqxmeiers iPhone"], recommendations=note,
                               minutes=60)  # fmt: skip
    NotificationFactory(recipient=me, context={"note": note})
    notify_staff(cancelled, Notification.Kind.STAFF_LATE_WITHDRAWAL, note=note)
    # As a helper: their profile, their time off, a note on a job they did for someone else.
    profile = HelperProfileFactory(user=me, bio=note, company_name="Zqxmeier IT",
                                   uid="CHE798887766", city="Zqxmeierdorf",
                                   calendar_token="secret-token")  # fmt: skip
    TimeOff.objects.create(helper=profile, first_day=past.starts_at.date(),
                           last_day=past.starts_at.date(), note=f"Ferien {note}")  # fmt: skip
    job = BookingFactory(status="completed", helper=profile)
    BookingEvent.objects.create(booking=job, to_status="completed", role="helper", actor=me,
                                note=f"Ruft mich an: {note}")  # fmt: skip
    notify_staff(job, Notification.Kind.STAFF_LATE_WITHDRAWAL, note=f"Ruft mich an: {note}")
    # Their review of a visit, their reply as the helper, and their report of a review.
    Review.objects.create(booking=past, author=me, helper=past.helper, stars=2,
                          comment=f"Zu teuer – {note}")  # fmt: skip
    about_me = Review.objects.create(booking=job, author=job.customer, helper=profile, stars=5,
                                     reply=f"Danke! {note}")  # fmt: skip
    ReviewEvent.objects.create(review=about_me, kind="reported", actor=me, reason=f"Falsch: {note}")
    # A refund staff gave on their visit, and Stripe's copy of an event about their card.
    payment = Payment.objects.create(booking=past, method="card", amount=7900, captured=7900,
                                     status="captured", stripe_intent_id="pi_zqx")  # fmt: skip
    Refund.objects.create(payment=payment, amount=500, reason=f"Kulanz für {note}",
                          idempotency_key="booking:zqx:refund:0")  # fmt: skip
    StripeEvent.objects.create(id="evt_zqx", type="charge.succeeded", intent_id="pi_zqx",
                               payload={"billing_details": {"name": "V. Zqxmeier"}})  # fmt: skip
    # The admin's history of changes to their account.
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(User), object_id=str(me.pk),
        object_repr=str(me), action_flag=CHANGE, change_message=f"E-Mail auf {EMAIL} geändert",
    )  # fmt: skip
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(HelperProfile),
        object_id=str(profile.pk), object_repr=str(profile), action_flag=CHANGE,
        change_message="[]",
    )  # fmt: skip
    # Waiting for helpers in Berlin, signed up with the address in capitals.
    WaitlistEntry.objects.create(email=EMAIL.upper(), postcode="10117", country="DE",
                                 service=past.service, language="de")  # fmt: skip
    return me


@pytest.mark.django_db
def test_deleting_an_account_erases_every_field_with_personal_data(client, person: User) -> None:
    someone = BookingFactory(status="completed", problem="Fremder Text bleibt")
    unseeded = sorted(f for f in ERASED if f not in NOT_SEEDABLE and not _rows_with_markers(f))
    assert not unseeded, f"the test writes nothing into {unseeded}: extend the fixture"

    client.force_login(person)
    response = client.post(reverse("customers:delete"), {"password": PASSWORD})
    assert response.status_code == 302

    left = {f: rows for f in sorted(_text_fields()) if (rows := _rows_with_markers(f))}
    assert not left, f"personal data left after deletion: {left}"
    person.refresh_from_db()
    assert not person.has_usable_password()
    profile = HelperProfile.objects.get(user=person)
    assert profile.calendar_token is None
    assert (profile.postcode, profile.status) == ("8001", "suspended")  # kept, audited
    # What accounting and the other party need stays; other people's data is untouched.
    past = person.bookings.filter(status="completed").get()
    assert (past.postcode, past.price_total > 0, past.report.minutes) == ("8001", True, 60)
    someone.refresh_from_db()
    assert someone.problem == "Fremder Text bleibt"
    alerts = Notification.objects.filter(kind="staff_late_withdrawal")
    about_mine = alerts.get(context__reference=person.bookings.get(status="cancelled").reference)
    assert about_mine.context["postcode"] == "8001" and "city" not in about_mine.context
    about_my_job = alerts.exclude(pk=about_mine.pk).get()
    assert about_my_job.context["city"] == "Zürich" and "note" not in about_my_job.context
    user_type = ContentType.objects.get_for_model(User)
    entry = LogEntry.objects.get(content_type=user_type)
    assert entry.object_repr == person.email == f"deleted-{person.pk}@deleted.invalid"
