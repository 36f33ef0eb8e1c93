"""Money in the admin, read-only: amounts change only through the payment services. Staff
refund part of a charge (with a reason), mark invoices paid, and export a month's payouts."""

import csv
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mila.lib.admin_actions import RefuseForbiddenActions, chf_column, reason_page
from mila.lib.money import format_chf
from payments.card import PaymentError
from payments.earnings import payouts_for_month
from payments.invoicing import InvoiceError, invoice_mark_paid
from payments.models import EarningEntry, Invoice, Payment, Refund, StripeEvent
from payments.refunds import payment_refund


class ReadOnly(admin.ModelAdmin):
    """No adding, changing or deleting: the services write these rows."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RefundForm(forms.Form):
    amount_chf = forms.DecimalField(
        label=_("Amount to refund in CHF"), min_value=Decimal("0.05"), decimal_places=2,
        max_digits=8,
        error_messages={"required": _("Please enter the amount to refund.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason (for the history and the customer)"), max_length=500,
        error_messages={"required": _("Please give a reason for the refund.")},
    )  # fmt: skip


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount_chf", "status", "reason", "actor", "stripe_refund_id"]
    readonly_fields = ["created_at", "amount_chf", "status", "reason", "actor", "stripe_refund_id"]
    amount_chf = chf_column("amount", _("amount"))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(RefuseForbiddenActions, ReadOnly):
    list_display = ["booking", "method", "purpose", "status", "amount_chf", "captured_chf",
                    "refunded_chf", "stripe_intent_id", "created_at"]  # fmt: skip
    list_filter = ["status", "method", "purpose", "created_at"]
    list_select_related = ["booking"]
    search_fields = ["booking__reference", "stripe_intent_id", "booking__customer__email"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]
    actions = ["refund"]
    amount_chf = chf_column("amount", _("amount reserved or billed"))
    captured_chf = chf_column("captured", _("amount charged"))
    refunded_chf = chf_column("refunded", _("amount refunded"))

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description=_("Refund part of the charge…"), permissions=["refund"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Please choose exactly one payment."), messages.ERROR)
            return None
        payment = queryset.select_related("booking").get()
        form = RefundForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            try:
                payment_refund(
                    payment=payment, amount=round(form.cleaned_data["amount_chf"] * 100),
                    reason=form.cleaned_data["reason"], actor=request.user,
                )  # fmt: skip
            except PaymentError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, _("The refund is on its way to the customer."))
            return None
        return reason_page(
            self, request, template="admin/payments/refund.html", form=form, payment=payment,
            title=_("Refund part of %(reference)s") % {"reference": payment.booking.reference},
            refundable=format_chf(payment.refundable),
        )  # fmt: skip


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ["payment", "amount_chf", "status", "actor", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["payment__booking", "actor"]
    search_fields = ["payment__booking__reference", "stripe_refund_id"]
    readonly_fields = [f.name for f in Refund._meta.fields]
    amount_chf = chf_column("amount", _("amount"))


class OverdueFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        if self.value() == "yes":
            return queryset.filter(status=Invoice.Status.OPEN, due_at__lt=timezone.now())
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(RefuseForbiddenActions, ReadOnly):
    list_display = ["number", "booking", "kind", "amount_chf", "status", "issued_at", "due_at",
                    "paid_at", "reminder_sent_at"]  # fmt: skip
    list_filter = [OverdueFilter, "status", "kind", "issued_at"]
    list_select_related = ["booking"]
    search_fields = ["number", "reference", "booking__reference", "booking__customer__email"]
    readonly_fields = [f.name for f in Invoice._meta.fields]
    date_hierarchy = "issued_at"
    actions = ["mark_paid"]
    amount_chf = chf_column("amount", _("amount"))

    def has_mark_paid_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.mark_invoice_paid")

    @admin.action(description=_("Mark as paid"), permissions=["mark_paid"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        done = 0
        for invoice in queryset:
            try:
                invoice_mark_paid(invoice=invoice, actor=request.user)
            except InvoiceError as error:
                self.message_user(request, f"{invoice.number}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d invoice(s) marked as paid.") % {"count": done})


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnly):
    list_display = ["id", "type", "intent_id", "received_at", "processed_at"]
    list_filter = ["type", "received_at"]
    search_fields = ["id", "intent_id"]
    readonly_fields = ["id", "type", "intent_id", "payload", "received_at", "processed_at"]


class PayoutMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Please choose a month.")},
    )  # fmt: skip


PAYOUT_COLUMNS = ["helper", "e-mail", "company", "UID", "visits", "visits CHF", "fees",
                  "fees CHF", "refunds CHF", "payout CHF"]  # fmt: skip


@admin.register(EarningEntry)
class EarningEntryAdmin(ReadOnly):
    list_display = ["at", "helper", "booking", "kind", "gross_chf", "commission_chf",
                    "amount_chf"]  # fmt: skip
    list_filter = ["kind", "at"]
    list_select_related = ["helper__user", "booking"]
    search_fields = ["booking__reference", "helper__user__email", "helper__user__last_name"]
    readonly_fields = [f.name for f in EarningEntry._meta.fields]
    date_hierarchy = "at"
    gross_chf = chf_column("gross", _("paid by the customer"))
    commission_chf = chf_column("commission", _("commission"))
    amount_chf = chf_column("amount", _("helper's earnings"))

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("payouts/", wrap(self.payouts_view), name="payments_earningentry_payouts"),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "payout_form": PayoutMonthForm()}
        return super().changelist_view(request, extra_context)

    def payouts_view(self, request: HttpRequest) -> HttpResponse:
        """A month's payouts as CSV, one row per helper (?month=2026-11)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PayoutMonthForm(request.GET or None)
        if not form.is_valid():
            return TemplateResponse(request, "admin/payments/payouts.html", {
                **self.admin_site.each_context(request), "form": form,
                "title": _("Payouts for a month"), "opts": self.model._meta,
            })  # fmt: skip
        month: date = form.cleaned_data["month"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"mila-payouts-{month:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(PAYOUT_COLUMNS)
        for row in payouts_for_month(month):
            user, earned = row.helper.user, row.earnings
            writer.writerow([
                _cell(user.get_full_name()), _cell(user.email), _cell(row.helper.company_name),
                _cell(row.helper.uid),
                earned.visits, _decimal(earned.visits_amount), earned.fees,
                _decimal(earned.fees_amount), _decimal(earned.refunds_amount),
                _decimal(earned.total),
            ])  # fmt: skip
        return response


def _decimal(rappen: int) -> str:
    """A Rappen amount as a plain decimal for spreadsheets: 7900 → "79.00"."""
    return f"{Decimal(rappen) / 100:.2f}"


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is written as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
