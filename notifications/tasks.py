"""Thin Celery wrappers around notifications.services (queue ``notifications``)."""

import logging
import smtplib
from typing import Any

from celery import shared_task

from notifications import services

logger = logging.getLogger(__name__)

TEMPORARY_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task
def deliver_notification(notification_id: int) -> bool:
    """Retries are the sweeper's job (see notification_deliver), not Celery's."""
    try:
        return services.notification_deliver(notification_id=notification_id)
    except TEMPORARY_ERRORS:
        logger.warning("E-mail for notification %s failed; it will be retried", notification_id)
        return False


@shared_task
def sweep_undelivered() -> int:
    return services.notifications_resend_undelivered()


@shared_task(autoretry_for=TEMPORARY_ERRORS, retry_backoff=5, retry_backoff_max=300, max_retries=8)
def send_email_message(payload: dict[str, Any]) -> None:
    services.email_send_now(**payload)
