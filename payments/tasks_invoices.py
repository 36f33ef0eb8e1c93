"""Invoice tasks (queue ``payments``). A reminder that was not sent stays due: the next
day's run sends it."""

from celery import shared_task

from payments import invoicing


@shared_task(queue="payments")
def send_invoice_reminders() -> int:
    return invoicing.invoices_remind()
