"""Booking for a customer who phones in: staff fill one admin page with the caller's e-mail
address, the service, the problem, the address and the time; "Show the price" puts the quote
on the same page to read out; a "Book" button per helper type books it through
``booking_create``, and from then on it runs like any other booking.

A caller new to Mila gets an account without a password; the booking e-mail carries a link
to set one (customers.services.customer_password_setup_url), so they can take over in the
browser. BookingStaffViews (bookings/backoffice.py) serves the page.
"""

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.draft import Seen, answers_version, not_what_was_seen
from bookings.forms import AddressForm, ProblemForm, TimingForm
from bookings.models import Booking, Service
from bookings.policy import BookingPolicy
from bookings.pricing import Quote
from bookings.services import (
    BookingError,
    BookingRequest,
    TierOption,
    booking_quotes,
    tier_options,
)
from bookings.services.staff import booking_create_for_caller
from customers.models import User
from customers.services import (
    Caller,
    CustomerError,
    customer_by_email,
    customer_usable_for_booking,
)

DEFAULT_DURATION = 60  # start times offered before a service is chosen

# The answers that make up the quote read out; changing any of them needs a new one.
ANSWERS = ("email", "service", "problem", "street", "postcode", "city", "country", "phone",
           "timing", "starts_at")  # fmt: skip


class PhoneBookingForm(ProblemForm, AddressForm, TimingForm):
    """The wizard's questions (same fields, same checks) plus who is calling, on one page."""

    email = forms.EmailField(
        label=gettext_lazy("Caller's e-mail address"), max_length=254,
        help_text=gettext_lazy("An existing customer is found by it; otherwise we open an "
                               "account and send a link to choose a password."),
        error_messages={"required": gettext_lazy("Please enter the caller's e-mail address."),
                        "invalid": gettext_lazy("Please enter a valid e-mail address.")},
    )  # fmt: skip
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language for e-mails"), choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )  # fmt: skip
    # The field; ``self.service`` (AddressForm's) is the chosen Service itself.
    service = forms.ModelChoiceField(  # type: ignore[assignment]
        label=gettext_lazy("Service"), queryset=Service.objects.none(),
        empty_label=gettext_lazy("Choose a service"),
        error_messages={"required": gettext_lazy("Please choose a service."),
                        "invalid_choice": gettext_lazy("Please choose one of the services.")},
    )  # fmt: skip
    key = forms.UUIDField(widget=forms.HiddenInput)
    seen = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        services = Service.objects.bookable().select_related("category")
        data = args[0] if args else kwargs.get("data")
        chosen = _chosen_service(services, data)
        super().__init__(
            *args, service=chosen, now=now,
            duration_minutes=chosen.duration_minutes if chosen else DEFAULT_DURATION, **kwargs,
        )  # fmt: skip
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ModelChoiceField)
        service_field.queryset = services
        self.fields["problem"].label = _("The problem, in the caller's words")
        self.fields["problem"].help_text = ""
        self.fields["phone"].label = _("Phone number for the helper")
        self.fields["phone"].help_text = ""
        self.fields["timing"].label = _("When should the helper come?")
        self.customer: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email = data.get("email")
        if email:
            self.customer = customer_by_email(email)
            if self.customer is not None:
                try:
                    customer_usable_for_booking(self.customer)
                except CustomerError as refused:
                    self.add_error("email", refused.message)
            elif not data.get("first_name", "").strip():
                self.add_error("first_name", _("Please enter the first name for the new account."))
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in ANSWERS}
        return {**values, "email": data["email"].lower(), "service": data["service"].pk}

    def caller(self) -> Caller:
        data = self.cleaned_data
        return Caller(email=data["email"], first_name=data["first_name"],
                      last_name=data["last_name"], phone=data["phone"],
                      language=data["language"])  # fmt: skip

    def to_request(self, tier: str) -> BookingRequest:
        data = self.cleaned_data
        return BookingRequest(
            service=data["service"], tier=tier, problem=data["problem"], street=data["street"],
            postcode=data["postcode"], city=data["city"], country=data["country"],
            phone=data["phone"], timing=data["timing"], starts_at=data["starts_at"],
        )  # fmt: skip


def _chosen_service(services: Any, data: Any) -> Service | None:
    """The service the bound form is for (its duration decides the start times and checks)."""
    value = data.get("service") if data else None
    if not value or not str(value).isdigit():
        return None
    return services.filter(pk=value).first()


def phone_booking_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """GET: an empty form. POST without a tier: the quote. POST with a tier: the booking."""
    now = timezone.now()
    if request.method != "POST":
        form = PhoneBookingForm(initial={"key": uuid.uuid4()}, now=now)
        return _render(request, context, form, quotes=None)
    form = PhoneBookingForm(request.POST, now=now)
    if not form.is_valid():
        return _render(request, context, form, quotes=None)
    service: Service = form.cleaned_data["service"]
    quotes = booking_quotes(service=service, starts_at=form.cleaned_data["starts_at"], now=now)
    tier = request.POST.get("tier")
    if tier is None:
        return _render(request, context, form, quotes=quotes)
    refusal = not_what_was_seen(
        form.cleaned_data["seen"], version=answers_version(form.answers()), tier=tier,
        totals={name: price.total for name, price in quotes.items()},
        changed=_("The details changed after the price was shown — please read out the "
                  "price below."),
    )  # fmt: skip
    if refusal:
        messages.warning(request, refusal)
        return _render(request, context, form, quotes=quotes)
    try:
        booking, new_account = booking_create_for_caller(
            staff=request.user, caller=form.caller(), request=form.to_request(tier),
            idempotency_key=form.cleaned_data["key"], now=now,
        )  # fmt: skip
    except (BookingError, CustomerError) as error:
        form.add_error(None, error.message)
        return _render(request, context, form, quotes=None)
    messages.success(request, _booked_message(booking, new_account))
    return HttpResponseRedirect(reverse("admin:bookings_booking_change", args=[booking.pk]))


def _booked_message(booking: Booking, new_account: bool) -> str:
    values = {"reference": booking.reference, "email": booking.customer.email}
    if new_account:
        return _("Booked: %(reference)s. We opened an account for %(email)s and sent the "
                 "booking with a link to choose a password.") % values  # fmt: skip
    return _("Booked: %(reference)s. The confirmation is on its way to %(email)s.") % values


def _render(
    request: HttpRequest,
    context: dict[str, Any],
    form: PhoneBookingForm,
    *,
    quotes: dict[str, Quote] | None,
) -> HttpResponse:
    options: list[TierOption] = []
    starts_at = form.cleaned_data.get("starts_at") if form.is_bound and form.is_valid() else None
    free_until = starts_at - BookingPolicy.from_settings().free_cancellation if starts_at else None
    if quotes is not None:
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["seen"] = Seen(
            version=answers_version(form.answers()),
            totals={tier: price.total for tier, price in quotes.items()},
        ).token()
        form.data = data
        options = tier_options(quotes, starts_at=starts_at or timezone.now())
    return TemplateResponse(request, "admin/bookings/phone.html", {
        **context, "title": _("Book for a caller"), "form": form, "options": options,
        "customer": form.customer, "customer_bookings": _booking_count(form.customer),
        "starts_at": starts_at, "free_until": free_until,
        "free_until_passed": free_until is None or free_until <= timezone.now(),
        "opts": Booking._meta,
    })  # fmt: skip


def _booking_count(customer: User | None) -> int:
    return Booking.objects.filter(customer=customer).count() if customer else 0
