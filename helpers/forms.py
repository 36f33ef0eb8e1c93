from datetime import time
from typing import Any

from django import forms
from django.conf import settings
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from phonenumber_field.formfields import PhoneNumberField

from bookings.models import ServiceCategory
from helpers.availability import (
    MAX_WINDOWS,
    WINDOW_EARLIEST,
    WINDOW_LATEST,
    Window,
    windows_problems,
)
from helpers.models import MAX_RADIUS_KM, AvailabilityWindow, HelperProfile
from helpers.services import Application, pro_details_errors, time_off_errors
from helpers.validators import normalise_uid
from mila.lib import geo

COUNTRIES = [("CH", _("Switzerland")), ("DE", _("Germany")), ("AT", _("Austria"))]


def quarter_hours(
    first: int = WINDOW_EARLIEST.hour, last: int = WINDOW_LATEST.hour
) -> list[tuple[str, str]]:
    return [
        (f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}")
        for h in range(first, last + 1)
        for m in (0, 15, 30, 45)
        if h < last or m == 0
    ]


class ApplicationForm(forms.Form):
    tier = forms.ChoiceField(
        label=_("How do you want to help?"),
        choices=[
            (HelperProfile.Tier.FRIEND, _("As a Friend – a private person who is good with tech")),
            (HelperProfile.Tier.PRO, _("As a Pro – a registered company")),
        ],
        widget=forms.RadioSelect,
        initial=HelperProfile.Tier.FRIEND,
    )
    company_name = forms.CharField(label=_("Company name"), max_length=120, required=False)
    uid = forms.CharField(
        label=_("UID number"),
        max_length=30,
        required=False,
        help_text=_("Your company's number in the commercial register, e.g. CHE-123.456.789."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("What can you help with?"),
        queryset=ServiceCategory.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one area.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one language.")},
    )
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=10,
        help_text=_("We offer you jobs around this place. Your address stays private."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES, initial="CH")
    radius_km = forms.IntegerField(
        label=_("How far will you travel? (km)"),
        min_value=1,
        max_value=MAX_RADIUS_KM,
        initial=10,
        error_messages={
            "min_value": _("Please choose between 1 and 50 km."),
            "max_value": _("Please choose between 1 and 50 km."),
        },
    )
    max_jobs_per_day = forms.IntegerField(
        label=_("Jobs per day at most"), min_value=1, max_value=10, initial=3
    )
    bio = forms.CharField(
        label=_("About you"),
        min_length=50,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Customers read this. What do you know well, what do you enjoy? 50 to 1000 characters."
        ),
        error_messages={
            "min_length": _("Please write at least 50 characters about yourself."),
            "max_length": _("Please keep it under 1000 characters."),
        },
    )
    phone = PhoneNumberField(
        label=_("Mobile number"),
        region=settings.PHONENUMBER_DEFAULT_REGION,
        error_messages={"invalid": _("Please enter a valid phone number, e.g. 079 123 45 67.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    conduct = forms.BooleanField(
        label=_("I accept Mila's code of conduct: I am friendly and patient, I respect privacy, "
                "I never ask for passwords or money, and I only do what the customer agrees to."),
        error_messages={"required": _("Please accept the code of conduct.")},
    )  # fmt: skip

    def clean_uid(self) -> str:
        value = self.cleaned_data.get("uid", "").strip()
        return normalise_uid(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = pro_details_errors(
            tier=data.get("tier", ""), company_name=data.get("company_name", ""),
            uid=data.get("uid", ""),
        )  # fmt: skip
        for field, message in missing.items():
            if field not in self.errors:
                self.add_error(field, message)
        postcode, country = data.get("postcode"), data.get("country")
        if postcode and country and geo.lookup(postcode, country) is None:
            self.add_error("postcode", _("We don't know this postcode. Please check it."))
        return data

    def to_application(self) -> Application:
        data = self.cleaned_data
        return Application(
            tier=data["tier"],
            skills=list(data["skills"]),
            languages=list(data["languages"]),
            postcode=data["postcode"],
            country=data["country"],
            radius_km=data["radius_km"],
            bio=data["bio"].strip(),
            phone=str(data["phone"]),
            max_jobs_per_day=data["max_jobs_per_day"],
            company_name=data.get("company_name", "").strip(),
            uid=data.get("uid", ""),
        )


class ProfileForm(ApplicationForm):
    """The same details, edited later; the code of conduct was accepted when applying."""

    def __init__(self, *args: Any, reviewed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["conduct"]
        if reviewed:
            # Our team checked Friend/Pro and the company; changing them is a new review.
            for name in ("tier", "company_name", "uid"):
                self.fields[name].disabled = True
            self.fields["tier"].help_text = _("To change this, please write to hallo@mila.ch.")


CHOOSE = ("", _("Choose"))


def _outside_the_day() -> str:
    return _("Please choose a time between %(earliest)s and %(latest)s.") % {
        "earliest": f"{WINDOW_EARLIEST:%H:%M}",
        "latest": f"{WINDOW_LATEST:%H:%M}",
    }


class WindowForm(forms.Form):
    """One weekly time. Rows left on "Choose" are empty and skipped."""

    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[CHOOSE, *AvailabilityWindow.Weekday.choices], coerce=int
    )
    starts = forms.TimeField(
        label=_("From"), widget=forms.Select(choices=[CHOOSE, *quarter_hours()])
    )
    ends = forms.TimeField(
        label=_("Until"), widget=forms.Select(choices=[CHOOSE, *quarter_hours()])
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        for name in ("starts", "ends"):
            value = data.get(name)
            if isinstance(value, time) and (value.minute % 15 or value.second):
                self.add_error(name, _("Please use quarter hours, e.g. 08:15."))
            elif isinstance(value, time) and not WINDOW_EARLIEST <= value <= WINDOW_LATEST:
                self.add_error(name, _outside_the_day())
        if starts and ends and starts >= ends:
            self.add_error("ends", _("“Until” must be later than “From” on the same day."))
        return data


class BaseWindowFormSet(BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "You can enter at most %(num)d weekly time.",
            "You can enter at most %(num)d weekly times.",
            "num",
        ),
    }

    def windows(self) -> list[Window]:
        return [
            Window(f.cleaned_data["weekday"], f.cleaned_data["starts"], f.cleaned_data["ends"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        if "overlap" in windows_problems(self.windows()):
            raise forms.ValidationError(
                _("Two of your times overlap on the same day. Please join or change them.")
            )


WindowFormSet = formset_factory(
    WindowForm,
    formset=BaseWindowFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_WINDOWS,
    validate_max=True,
)


class TimeOffForm(forms.Form):
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note (optional)"), max_length=120, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            errors = time_off_errors(first_day=first, last_day=last, today=timezone.localdate())
            for field, (_code, message) in errors.items():
                self.add_error(field, message)
        return data


class DecisionForm(forms.Form):
    """Staff's reason when rejecting or suspending (shown to the helper)."""

    reason = forms.CharField(
        label=_("Reason (the helper will read this)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Please give a reason.")},
    )
