"""Configuration that would let an e-mail go out twice (DESIGN §8): a delivery's lease must
outlive the task's hard time limit, and an SMTP send must give up before the lease lapses."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

BOUNDED_SMTP = "notifications.smtp.EmailBackend"
SMTP_BACKENDS = {"django.core.mail.backends.smtp.EmailBackend", BOUNDED_SMTP}


@register()
def delivery_lease_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    lease = settings.NOTIFICATION_CLAIM_SECONDS
    time_limit = settings.CELERY_TASK_TIME_LIMIT
    errors = []
    if time_limit is None or lease <= time_limit:
        errors.append(
            Error(
                f"NOTIFICATION_CLAIM_SECONDS ({lease}) must be longer than "
                f"CELERY_TASK_TIME_LIMIT ({time_limit}).",
                hint="Otherwise a slow delivery's row is handed to a second worker while the "
                "first is still sending, and the e-mail goes out twice.",
                id="notifications.E001",
            )
        )
    for alias, mailer in settings.MAILERS.items():
        if mailer.get("BACKEND") not in SMTP_BACKENDS:
            continue
        total = mailer.get("OPTIONS", {}).get("total_timeout")
        bounded = mailer["BACKEND"] == BOUNDED_SMTP and total is not None and total < lease
        if not bounded:
            errors.append(
                Error(
                    f"MAILERS[{alias!r}] must be {BOUNDED_SMTP} with a total_timeout "
                    f"shorter than NOTIFICATION_CLAIM_SECONDS ({lease}).",
                    hint="Each SMTP step has its own timeout; only total_timeout bounds a send.",
                    id="notifications.E002",
                )
            )
    return errors
