from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from bookings.models import Booking, Offer, Service, WithdrawReason
from bookings.policy import (
    BookingPolicy,
    StartProblem,
    asap_available,
    start_problem,
    start_slots,
)
from bookings.services.creation import booking_area_check, town_mismatch_message
from bookings.services.transitions import BookingError
from bookings.texts import asap_unavailable_message, start_message
from mila.lib import geo
from mila.lib.money import format_chf
from mila.widgets import QuickSelect
from payments.gateway import available_methods

PAYMENT_LABELS = {
    "invoice": _("By invoice after the visit (QR-bill)"),
    "card": _("By card – the amount is only reserved now"),
}
COUNTRY_NAMES = {"CH": _("Switzerland"), "DE": _("Germany"), "AT": _("Austria")}


def time_slots(policy: BookingPolicy, *, duration_minutes: int) -> list[tuple[str, str]]:
    """The start times to choose from: only those at which the visit ends in time."""
    labels = [
        at.strftime("%H:%M") for at in start_slots(duration_minutes=duration_minutes, policy=policy)
    ]
    return [(label, label) for label in labels]


def local_start(day: date, at: time) -> datetime:
    """A wall-clock date and time in Switzerland as an aware datetime."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


class ProblemForm(forms.Form):
    problem = forms.CharField(
        label=_("What is the problem?"),
        help_text=_(
            "In your own words, e.g. “The Wi-Fi drops in the bedroom” or “I got a new phone "
            "and want my photos and WhatsApp on it”."
        ),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Please describe the problem in a few words."),
            "min_length": _("Please write a little more (at least 10 characters)."),
            "max_length": _("Please keep it under 2000 characters."),
        },
    )

    def clean_problem(self) -> str:
        return self.cleaned_data["problem"].strip()


class AddressForm(forms.Form):
    street = forms.CharField(
        label=_("Street and number"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": _("Please enter the street and house number.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages={"required": _("Please enter your postcode.")},
    )
    city = forms.CharField(
        label=_("Town"),
        max_length=80,
        required=False,
        help_text=_("We fill this in from the postcode."),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=Booking.Country.choices, initial=Booking.Country.CH
    )
    phone = PhoneNumberField(
        label=_("Phone number"),
        region=settings.PHONENUMBER_DEFAULT_REGION,
        help_text=_("Your helper calls you if they can't find the door. E.g. 079 123 45 67."),
        error_messages={
            "required": _("Please enter a phone number so your helper can reach you."),
            "invalid": _("Please enter a valid phone number, e.g. 079 123 45 67."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        # Set when the address is fine but nobody serves it (yet): the page offers the waitlist.
        self.waitlist_place: geo.Place | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        postcode, country = data.get("postcode"), data.get("country")
        if not postcode or not country:
            return data
        place = geo.lookup(postcode, country)
        if place is None:
            self.add_error("postcode", self._postcode_message(postcode, country))
            return data
        data["postcode"] = place.postcode
        data["city"] = self._town(place, data.get("city") or "")
        data["phone"] = str(data["phone"]) if data.get("phone") else ""
        if self.service is not None:
            try:
                booking_area_check(service=self.service, place=place)
            except BookingError as refused:
                self.add_error("postcode", refused.message)
                self.waitlist_place = place
        return data

    def _town(self, place: geo.Place, typed: str) -> str:
        """The town in GeoNames' spelling: the one the customer typed, or, if they typed none,
        the postcode's only town. A town the postcode does not have is an error."""
        typed = typed.strip()
        if typed:
            town = place.town_named(typed)
            if town is None:
                self.add_error("city", town_mismatch_message(place, typed))
            return town or typed
        if len(place.towns) > 1:
            self.add_error(
                "city",
                _("%(postcode)s has more than one town. Please enter yours: %(towns)s.")
                % {"postcode": place.postcode, "towns": ", ".join(place.towns)},
            )
        return place.towns[0]

    @staticmethod
    def _postcode_message(postcode: str, country: str) -> str:
        elsewhere = [c for c in geo.COUNTRIES if c != country and geo.lookup(postcode, c)]
        if elsewhere:
            return _("%(postcode)s is not a postcode in %(country)s. Is the country right?") % {
                "postcode": postcode,
                "country": COUNTRY_NAMES[country],
            }
        return _("We don't know the postcode %(postcode)s in %(country)s.") % {
            "postcode": postcode,
            "country": COUNTRY_NAMES[country],
        }


class WaitlistForm(forms.Form):
    """Tell me by e-mail when there are helpers near me (the address is the address step's)."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a valid e-mail address, e.g. anna@example.ch."),
        },
    )
    postcode = forms.CharField(max_length=10, widget=forms.HiddenInput)
    country = forms.ChoiceField(choices=Booking.Country.choices, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        place = geo.lookup(data.get("postcode") or "", data.get("country") or "")
        if place is None:
            raise forms.ValidationError(
                _("We could not tell which address this is for. Please enter it again.")
            )
        data["place"] = place
        return data


class StartTimeForm(forms.Form):
    """A date and a start time on the half hour for a visit of ``duration_minutes``, checked
    against the booking policy."""

    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date like 2026-12-24.")},
    )
    time = forms.TimeField(
        label=_("Start time"),
        required=False,
        error_messages={"invalid": _("Please choose a start time.")},
    )

    def __init__(
        self, *args: Any, duration_minutes: int, now: datetime | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.duration_minutes = duration_minutes
        self.policy = BookingPolicy.from_settings()
        slots = time_slots(self.policy, duration_minutes=duration_minutes)
        self.fields["time"].widget = QuickSelect(choices=[("", _("Choose a time")), *slots])
        today = timezone.localdate(self.now)
        self.fields["date"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + self.policy.max_ahead).isoformat()}
        )

    def needs_time(self) -> bool:
        return True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.needs_time() or self.errors:
            return data
        day, at = data.get("date"), data.get("time")
        if day is None:
            self.add_error("date", _("Please choose a date."))
        if at is None:
            self.add_error("time", _("Please choose a start time."))
        if day is None or at is None:
            return data
        starts_at = local_start(day, at)
        problem = start_problem(
            starts_at, duration_minutes=self.duration_minutes, now=self.now,
            tz=ZoneInfo(settings.TIME_ZONE), policy=self.policy,
        )  # fmt: skip
        if problem:
            field = "date" if problem in (StartProblem.PAST, StartProblem.TOO_FAR) else "time"
            message = start_message(problem, self.policy, duration_minutes=self.duration_minutes)
            self.add_error(field, message)
        data["starts_at"] = starts_at
        return data


class TimingForm(StartTimeForm):
    timing = forms.ChoiceField(
        label=_("When should the helper come?"),
        choices=Booking.Timing.choices,
        widget=forms.RadioSelect,
        initial=Booking.Timing.ASAP,
    )

    field_order = ["timing", "date", "time"]

    def needs_time(self) -> bool:
        return self.cleaned_data.get("timing") == Booking.Timing.SCHEDULED

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("timing") == Booking.Timing.ASAP:
            data["starts_at"] = None
            if not asap_available(
                self.now, tz=ZoneInfo(settings.TIME_ZONE), policy=self.policy,
                duration_minutes=self.duration_minutes,
            ):  # fmt: skip
                self.add_error(
                    "timing",
                    asap_unavailable_message(self.policy, duration_minutes=self.duration_minutes),
                )
        return data


class ConfirmForm(forms.Form):
    """The quote page's form: one "Book" button per tier (its name is ``tier``), the draft's
    idempotency key, and ``seen`` (bookings.draft.Seen), what the page showed."""

    tier = forms.ChoiceField(label=_("Who should come?"))
    key = forms.UUIDField(widget=forms.HiddenInput)
    seen = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=_("How would you like to pay?"), widget=forms.RadioSelect, required=False,
        initial="invoice", error_messages={"invalid_choice": _("Please choose how to pay.")},
    )  # fmt: skip

    def __init__(self, *args: Any, tiers: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method_field = self.fields["method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = [(m, PAYMENT_LABELS[m]) for m in available_methods()]
        labels = dict(Booking.Tier.choices)
        tier_field = self.fields["tier"]
        assert isinstance(tier_field, forms.ChoiceField)
        tier_field.choices = [(tier, labels[tier]) for tier in tiers]
        self.fields["tier"].error_messages["invalid_choice"] = _("Please choose who should come.")


class CancelForm(forms.Form):
    # The fee the customer saw; if it rose meanwhile, they are asked again.
    expected_fee = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep it under 500 characters.")},
    )


class DeclineForm(forms.Form):
    """Saying no to an offer; the reason helps us offer better, and is optional."""

    reason = forms.ChoiceField(
        label=_("Why not? (optional)"),
        required=False,
        choices=[("", _("I'd rather not say")), *Offer.DeclineReason.choices],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Please choose one of the reasons, or none.")},
    )


# --- The visit, on the helper's job page ---------------------------------------------------


class EnRouteForm(forms.Form):
    eta_minutes = forms.IntegerField(
        label=_("I arrive in about … minutes"),
        min_value=settings.VISIT_ETA_MINUTES[0],
        max_value=settings.VISIT_ETA_MINUTES[1],
        initial=15,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={
            "required": _("Please say in how many minutes you arrive."),
            "invalid": _("Please enter the minutes as a number."),
            "min_value": _("At least %(limit_value)s minutes, please."),
            "max_value": _("At most %(limit_value)s minutes, please."),
        },
    )


class StartForm(forms.Form):
    door_checked = forms.BooleanField(
        label=_("I told the customer the code, and they let me in."),
        error_messages={"required": _("Please tell the customer the code at the door first.")},
    )


class NoShowForm(forms.Form):
    tried = forms.BooleanField(
        label=_("I rang, called the customer and waited, but nobody is there."),
        error_messages={"required": _("Please ring and call the customer first.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you give the job back?"),
        choices=WithdrawReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please say why you give the job back."),
            "invalid_choice": _("Please say why you give the job back."),
        },
    )
    note = forms.CharField(
        label=_("A note for our team (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Please keep it under 500 characters.")},
    )


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return str(_("%(minutes)s min") % {"minutes": rest})
    if not rest:
        return str(_("%(hours)s h") % {"hours": hours})
    return str(_("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest})


class CompleteForm(forms.Form):
    """Completing a visit: how long it took (each choice says what extra time it costs, so
    the helper sees the price before confirming) and the visit report."""

    worked_minutes = forms.TypedChoiceField(
        label=_("How long did the visit take?"),
        coerce=int,
        error_messages={
            "required": _("Please choose how long the visit took."),
            "invalid_choice": _("Please choose how long the visit took."),
        },
    )
    work_done = forms.CharField(
        label=_("What did you do?"),
        help_text=_(
            "The customer reads this. Plain words, e.g. “Moved the router, set a new Wi-Fi "
            "password”."
        ),
        min_length=settings.VISIT_REPORT_MIN_CHARS,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Please write what you did."),
            "min_length": _("Please write a little more (at least %(limit_value)d characters)."),
            "max_length": _("Please keep it under 4000 characters."),
        },
    )
    devices = forms.CharField(
        label=_("Devices you worked on (optional)"),
        help_text=_("One per line, e.g. “Router Swisscom Internet-Box 3”."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep it under 1000 characters.")},
    )
    recommendations = forms.CharField(
        label=_("Tips for the customer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep it under 2000 characters.")},
    )

    def __init__(self, *args: Any, prices: list[tuple[int, int, int]], **kwargs: Any) -> None:
        """``prices``: (minutes, extra time, total) for each duration the helper may choose."""
        super().__init__(*args, **kwargs)
        choices = []
        for minutes, extra, total in prices:
            label = _duration_label(minutes)
            if extra:
                label = str(_("%(duration)s – extra time %(extra)s, total %(total)s")) % {
                    "duration": label, "extra": format_chf(extra), "total": format_chf(total),
                }  # fmt: skip
            else:
                label = str(_("%(duration)s – no extra time, total %(total)s")) % {
                    "duration": label, "total": format_chf(total),
                }  # fmt: skip
            choices.append((minutes, label))
        field = self.fields["worked_minutes"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices

    def clean_work_done(self) -> str:
        return self.cleaned_data["work_done"].strip()

    def clean_devices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["devices"].splitlines()]
        devices = [line[:80] for line in lines if line]
        if len(devices) > 20:
            raise forms.ValidationError(_("Please list at most 20 devices."))
        return devices


class FollowUpForm(TimingForm):
    """ "The problem is back": what happens again, and when the helper should come."""

    problem = forms.CharField(
        label=_("What is happening again?"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Please describe in a few words what is happening again."),
            "min_length": _("Please write a little more (at least 10 characters)."),
            "max_length": _("Please keep it under 2000 characters."),
        },
    )

    field_order = ["problem", "timing", "date", "time"]

    def clean_problem(self) -> str:
        return self.cleaned_data["problem"].strip()
