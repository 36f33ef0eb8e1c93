"""The nightly reconciliation as a Celery task (queue ``payments``)."""

from datetime import timedelta

from celery import shared_task
from celery.app.task import Task
from django.utils import timezone

from payments import stripe_api
from payments.reconcile import payments_reconcile

# A PaymentIntent can change for days after it is created (3-D Secure, capture, release); three
# nights overlap, so one failed run loses nothing.
RECONCILE_DAYS = 3


@shared_task(bind=True, queue="payments", max_retries=5)
def reconcile_payments(self: Task) -> dict[str, int]:
    """Safe to run twice: a repaired payment already matches the second time. Only Stripe
    being unreachable is retried (with backoff); any other error is a bug to look at."""
    if not stripe_api.enabled():
        return {"checked": 0, "repaired": 0}
    since = timezone.now() - timedelta(days=RECONCILE_DAYS)
    try:
        result = payments_reconcile(since=since)
    except stripe_api.ProviderError as error:
        if not error.retryable:
            raise
        raise self.retry(exc=error, countdown=300 * 2**self.request.retries) from error
    return {"checked": result.checked, "repaired": result.repaired}
