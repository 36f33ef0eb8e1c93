"""Staff's own booking pages in the admin: cancel with a fee decision, add an internal note,
book for a caller (bookings/phone.py). They write through the booking services; BookingAdmin
mixes this in and links them from its pages (templates/admin/bookings/booking/)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from bookings import machine
from bookings.models import Booking, BookingEvent
from bookings.phone import phone_booking_page
from bookings.services import BookingError, booking_cancel, cancellation_preview
from bookings.services.staff import NOTE_MAX_CHARS, booking_note_add
from mila.lib.money import format_chf

FeeDecision = BookingEvent.FeeDecision


class CancelForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Cancellation fee"), choices=FeeDecision.choices, widget=forms.RadioSelect,
        initial=FeeDecision.POLICY,
    )  # fmt: skip
    custom_chf = forms.DecimalField(
        label=_("Lower amount in CHF"), required=False, min_value=Decimal(0), decimal_places=2,
        max_digits=8,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason (for the history and the customer)"), max_length=500,
        error_messages={"required": _("Please give a reason for the cancellation.")},
    )  # fmt: skip

    def __init__(self, *args: Any, policy_fee: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy_fee = policy_fee

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == FeeDecision.CUSTOM:
            amount = data.get("custom_chf")
            if amount is None:
                self.add_error("custom_chf", _("Please enter the amount in CHF."))
            elif round(amount * 100) > self.policy_fee:
                message = _("The amount may not be more than the policy fee of %(fee)s.")
                self.add_error("custom_chf", message % {"fee": format_chf(self.policy_fee)})
        return data

    def fee(self) -> int:
        """The fee decided, in Rappen."""
        decision = self.cleaned_data["decision"]
        if decision == FeeDecision.POLICY:
            return self.policy_fee
        if decision == FeeDecision.WAIVE:
            return 0
        return round(self.cleaned_data["custom_chf"] * 100)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (staff only)"), max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write the note.")},
    )  # fmt: skip


class BookingStaffViews:
    """Mixed into BookingAdmin before ``admin.ModelAdmin``."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<int:pk>/cancel/", wrap(self.cancel_view), name="bookings_booking_cancel"),
            path("<int:pk>/note/", wrap(self.note_view), name="bookings_booking_note"),
            path("phone/", wrap(self.phone_view), name="bookings_booking_phone"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_note_permission(self, request: HttpRequest) -> bool:
        """Support writes notes (their assign permission), as does whoever may change bookings."""
        user = request.user
        return user.has_perm("bookings.change_booking") or user.has_perm("bookings.assign_booking")

    def phone_view(self, request: HttpRequest) -> HttpResponse:
        """Book for a customer on the phone (bookings/phone.py)."""
        if not request.user.has_perm("bookings.book_for_customer"):
            raise PermissionDenied
        return phone_booking_page(request, self.admin_site.each_context(request))  # type: ignore[attr-defined]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_book_by_phone": request.user.has_perm("bookings.book_for_customer"),
        }
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def _change_url(self, booking: Booking) -> str:
        return reverse("admin:bookings_booking_change", args=[booking.pk])

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The fee the policy would charge now, and staff's decision about it, with a reason."""
        if not request.user.has_perm("bookings.cancel_booking"):
            raise PermissionDenied
        booking = get_object_or_404(Booking.objects.select_related("service", "customer"), pk=pk)
        policy_fee = cancellation_preview(booking=booking).fee
        form = CancelForm(request.POST or None, policy_fee=policy_fee)
        if request.method == "POST" and form.is_valid():
            try:
                result = booking_cancel(
                    booking=booking, actor=request.user, role=BookingEvent.Role.STAFF,
                    reason=form.cleaned_data["reason"], fee_override=form.fee(),
                )  # fmt: skip
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(  # type: ignore[attr-defined]
                    request,
                    _("The booking is cancelled with a fee of %(fee)s; the customer and the "
                      "helper were told.") % {"fee": format_chf(result.fee)},
                )  # fmt: skip
                return HttpResponseRedirect(self._change_url(booking))
        return TemplateResponse(request, "admin/bookings/cancel.html", {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("Cancel %(reference)s") % {"reference": booking.reference},
            "booking": booking, "form": form, "policy_fee": format_chf(policy_fee),
            "final": not machine.is_allowed(booking.status, Booking.Status.CANCELLED,
                                            BookingEvent.Role.STAFF),
            "opts": Booking._meta, "change_url": self._change_url(booking),
        })  # fmt: skip

    def note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_note_permission(request):
            raise PermissionDenied
        booking = get_object_or_404(Booking, pk=pk)
        if request.method == "POST":
            form = NoteForm(request.POST)
            if form.is_valid():
                try:
                    booking_note_add(booking=booking, actor=request.user,
                                     text=form.cleaned_data["text"])  # fmt: skip
                except BookingError as error:
                    self.message_user(request, error.message, messages.ERROR)  # type: ignore[attr-defined]
                else:
                    self.message_user(request, _("The note has been added."))  # type: ignore[attr-defined]
            else:
                for errors in form.errors.values():
                    self.message_user(request, " ".join(map(str, errors)), messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self._change_url(booking))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        """The change page links the cancel page and the audit, and holds the note form."""
        extra_context = {
            **(extra_context or {}),
            "can_cancel": request.user.has_perm("bookings.cancel_booking"),
            "can_note": self.has_note_permission(request),
            "note_form": NoteForm(),
        }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
