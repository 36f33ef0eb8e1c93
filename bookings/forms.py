from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from bookings.models import Booking, Offer
from bookings.policy import BookingPolicy, StartProblem, asap_available, start_problem
from bookings.texts import asap_unavailable_message, start_message
from mila.lib import geo

COUNTRY_NAMES = {"CH": _("Switzerland"), "DE": _("Germany"), "AT": _("Austria")}


def time_slots(policy: BookingPolicy) -> list[tuple[str, str]]:
    slots = []
    minutes = policy.day_starts.hour * 60 + policy.day_starts.minute
    last = policy.day_ends.hour * 60 + policy.day_ends.minute
    while minutes <= last:
        label = f"{minutes // 60:02d}:{minutes % 60:02d}"
        slots.append((label, label))
        minutes += policy.slot_minutes
    return slots


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
        data["city"] = (data.get("city") or "").strip() or place.name
        data["phone"] = str(data["phone"]) if data.get("phone") else ""
        return data

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


class StartTimeForm(forms.Form):
    """A date and a start time on the half hour, checked against the booking policy."""

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

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.policy = BookingPolicy.from_settings()
        self.fields["time"].widget = forms.Select(
            choices=[("", _("Choose a time")), *time_slots(self.policy)]
        )
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
            starts_at, now=self.now, tz=ZoneInfo(settings.TIME_ZONE), policy=self.policy
        )
        if problem:
            field = "date" if problem in (StartProblem.PAST, StartProblem.TOO_FAR) else "time"
            self.add_error(field, start_message(problem, self.policy))
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
            if not asap_available(self.now, tz=ZoneInfo(settings.TIME_ZONE), policy=self.policy):
                self.add_error("timing", asap_unavailable_message(self.policy))
        return data


class ConfirmForm(forms.Form):
    tier = forms.ChoiceField(label=_("Who should come?"), widget=forms.RadioSelect)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, tiers: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
