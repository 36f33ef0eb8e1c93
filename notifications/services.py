"""The notification outbox (DESIGN §8).

``notify`` writes a row in the caller's transaction and enqueues its delivery on commit. If the
enqueue fails (broker down, worker gone), the row stays undelivered and the sweeper re-enqueues
it after NOTIFICATION_RESEND_AFTER_SECONDS. Delivery claims the row with a compare-and-set, so
two workers never send the same e-mail, and sets ``delivered_at`` only once.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from notifications.models import Notification

logger = logging.getLogger(__name__)

# Apps that send notifications register how to turn an id in the context into objects for
# the e-mail templates ("booking_id" → {"booking": Booking}); the inbox uses plain values only.
ContextLoader = Callable[[Any], dict[str, Any]]
CONTEXT_LOADERS: dict[str, ContextLoader] = {}


def register_context_loader(key: str, loader: ContextLoader) -> None:
    CONTEXT_LOADERS[key] = loader


# Apps may also attach files to the e-mails of a kind (a booking's calendar event). A builder
# gets the notification and the template context (loaded objects included) and returns
# (filename, content, mimetype) triples; it runs in the recipient's language, when the e-mail
# is sent, so what it attaches is as current as the e-mail's text.
Attachment = tuple[str, bytes | str, str]
AttachmentBuilder = Callable[[Notification, dict[str, Any]], list[Attachment]]
ATTACHMENT_BUILDERS: dict[str, list[AttachmentBuilder]] = {}


def register_attachments(kind: str, builder: AttachmentBuilder) -> None:
    builders = ATTACHMENT_BUILDERS.setdefault(kind, [])
    if builder not in builders:  # registering twice (a second ready()) attaches once
        builders.append(builder)


def notify(
    *,
    recipient: Any,
    kind: str,
    context: dict[str, Any] | None = None,
    send_email: bool = True,
) -> Notification:
    """Tell ``recipient`` about something: an inbox entry now, an e-mail after commit.

    ``context`` must be JSON-serialisable; templates get it together with ``recipient``.
    """
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, context=context or {}, send_email=send_email
    )
    if send_email:
        pk = notification.pk
        transaction.on_commit(lambda: _enqueue_delivery(pk))
    return notification


def notify_many(
    *, kind: str, contexts: dict[int, dict[str, Any]], send_email: bool = True
) -> list[Notification]:
    """``notify`` for several recipients at once (user id → context): one INSERT, and the
    deliveries enqueued together on commit."""
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, context=context, send_email=send_email)
        for user_id, context in contexts.items()
    )
    inbox_changed(list(contexts))
    if send_email and notifications:
        ids = [notification.pk for notification in notifications]

        def enqueue() -> None:
            for pk in ids:
                _enqueue_delivery(pk)

        transaction.on_commit(enqueue)
    return notifications


def _enqueue_delivery(notification_id: int) -> None:
    from notifications.tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:
        # The row is committed; the sweeper will pick it up. Never fail the user's request.
        logger.exception(
            "Could not enqueue notification %s; the sweeper will retry", notification_id
        )


def retry_delay(attempts: int) -> timedelta:
    """How long a failed e-mail waits before the sweeper tries again: 1, 2, 4 … minutes, at
    most an hour, so a mail server outage of several hours loses nothing."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one notification's e-mail, at most once. Returns True if this call sent it.

    The delivery holds the row (its lease) until ``claimed_until``; the lease outlives the
    task's hard time limit and the SMTP send's total timeout (notifications.checks), so while
    this worker may still be sending, the sweeper hands the row to nobody else. The lease's
    end is also this delivery's token: a later claim always ends later, so a worker that
    somehow outlived its lease never overwrites the claim of the worker that holds it now.
    A failure keeps the row claimed for a growing delay; the sweeper retries it after that.
    (Celery does not retry on its own, so the two never race each other.)
    """
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS)
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = (
        Notification.objects.undelivered()
        .filter(claimable, pk=notification_id)
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    held = Notification.objects.undelivered().filter(pk=notification_id, claimed_until=lease)
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    try:
        if recipient.is_active and recipient.email:
            render_notification_email(notification).send()
    except Exception as exc:
        held.update(
            claimed_until=timezone.now() + retry_delay(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    if not held.update(delivered_at=timezone.now(), claimed_until=None, last_error=""):
        # Sent after the lease lapsed: another worker holds the row (and may send it too).
        # Record that it went out, and leave that worker's claim alone.
        logger.warning("Notification %s was sent after its lease had lapsed", notification_id)
        Notification.objects.undelivered().filter(pk=notification_id).update(
            delivered_at=timezone.now()
        )
    return True


def render_notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a notification, in the recipient's language."""
    recipient = notification.recipient
    context = {
        **notification.context,
        "recipient": recipient,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    for key, loader in CONTEXT_LOADERS.items():
        if key in notification.context:
            context.update(loader(notification.context[key]))
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = render_plain_text(f"{notification.template_dir}/subject.txt", context)
        body = render_plain_text(f"{notification.template_dir}/body.txt", context)
        html = render_to_string(f"{notification.template_dir}/body.html", context)
        attachments = [
            attachment
            for builder in ATTACHMENT_BUILDERS.get(notification.kind, [])
            for attachment in builder(notification, context)
        ]
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """Render an e-mail's subject or text part. They are plain text, not HTML: nothing in them
    is escaped, so "O'Brien & Co" stays "O'Brien & Co" and never becomes "O&#x27;Brien &amp;
    Co". Every e-mail (notifications and account e-mails) renders them here; its HTML part is
    rendered as usual, escaped."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def notifications_resend_undelivered(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue e-mails still undelivered a minute after they were created (lost enqueue,
    dead worker). Returns how many were enqueued."""
    from notifications.tasks import deliver_notification

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    ids = list(
        Notification.objects.undelivered()
        .filter(created_at__lte=cutoff, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        deliver_notification.delay(pk)
    return len(ids)


@transaction.atomic
def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of ``user`` as read."""
    rows = Notification.objects.for_recipient(user).unread()
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    inbox_changed([user.pk])
    return rows.update(read_at=timezone.now())


# The header's unread count on every signed-in page, from the cache: the writes above and any
# row saved or deleted (notifications/apps.py) forget it, now and after commit. A count read by
# a request that overlapped a write can outlive that forgetting, by at most UNREAD_SECONDS.
UNREAD_SECONDS = 30


def _unread_key(user_id: Any) -> str:
    return f"inbox:unread:{user_id}"


def inbox_unread_count(user: Any) -> int:
    """How many of ``user``'s notifications are unread."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.for_recipient(user).unread().count()
        cache.set(key, count, UNREAD_SECONDS)
    return int(count)


def inbox_changed(user_ids: list[Any]) -> None:
    """These people's unread counts changed (or will, when the transaction commits)."""
    keys = [_unread_key(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def email_send_later(*, subject: str, body: str, html: str, to: list[str]) -> None:
    """Send an already rendered e-mail from a worker once the transaction commits.

    For account e-mails (verification, password reset) that are not inbox entries. If the
    broker cannot be reached the e-mail is sent right away instead of being lost.
    """
    from notifications.tasks import send_email_message

    payload = {"subject": subject, "body": body, "html": html, "to": to}

    def enqueue() -> None:
        try:
            send_email_message.delay(payload)
        except (OperationalError, ConnectionError):
            logger.exception("Could not enqueue an account e-mail; sending it inline")
            email_send_now(subject=subject, body=body, html=html, to=to)

    transaction.on_commit(enqueue)


def email_send_now(*, subject: str, body: str, html: str, to: list[str]) -> None:
    send_mail(
        subject=subject, message=body, from_email=None, recipient_list=to,
        html_message=html or None,
    )  # fmt: skip
