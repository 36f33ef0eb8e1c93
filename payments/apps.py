from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from notifications.models import Notification
        from notifications.services import register_attachments, register_context_loader
        from payments import (  # noqa: F401  (task modules autodiscover_tasks does not find)
            invoicing,
            tasks_invoices,
            tasks_reconcile,
        )

        register_context_loader("invoice_id", invoicing.load_invoice)
        for kind in (Notification.Kind.INVOICE_ISSUED, Notification.Kind.INVOICE_REMINDER):
            register_attachments(kind, invoicing.invoice_attachments)
