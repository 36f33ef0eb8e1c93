"""Thin Celery wrappers around notifications.services (queue ``notifications``)."""

import smtplib
from typing import Any

from celery import shared_task

from notifications import services

TEMPORARY_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(autoretry_for=TEMPORARY_ERRORS, retry_backoff=10, retry_backoff_max=600, max_retries=5)
def deliver_notification(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def sweep_undelivered() -> int:
    return services.notifications_resend_undelivered()


@shared_task(autoretry_for=TEMPORARY_ERRORS, retry_backoff=5, retry_backoff_max=300, max_retries=8)
def send_email_message(payload: dict[str, Any]) -> None:
    services.email_send_now(**payload)
