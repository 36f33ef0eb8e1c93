"""SMTP with a limit on the whole send, not only on each step.

Django's SMTP backend waits up to ``timeout`` for every step (connect, greeting, EHLO, MAIL,
RCPT, DATA …), so a server that answers each step slowly can hold a send for many times that.
A notification's delivery holds its row for NOTIFICATION_CLAIM_SECONDS; a send that ran past
that could be made a second time by another worker. ``total_timeout`` bounds the send: every
step may wait only for what is left of it, and then the send fails (and is retried later).
"""

import smtplib
import socket
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class SMTPSendTimeout(smtplib.SMTPServerDisconnected):
    """The send took longer than its total timeout; the connection is closed."""


class _DeadlineSMTP(smtplib.SMTP):
    """An SMTP connection whose every wait ends at ``deadline`` (time.monotonic())."""

    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def _step_timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.close()
            raise SMTPSendTimeout("the SMTP send took longer than its total timeout")
        step = self.timeout  # None or socket's "no timeout given" sentinel: no limit of its own
        return min(step, left) if isinstance(step, int | float) else left

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return super()._get_socket(host, port, self._step_timeout())  # type: ignore[misc]

    def send(self, s: "ReadableBuffer | str") -> None:
        if self.sock:
            self.sock.settimeout(self._step_timeout())
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        if self.sock:
            self.sock.settimeout(self._step_timeout())
        return super().getreply()


class _DeadlineSMTPSSL(_DeadlineSMTP, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend, plus the OPTION ``total_timeout``: seconds a call of
    ``send_messages`` (connecting included) may take in all. ``timeout`` still bounds each
    step. (A server that trickles a reply byte by byte can stretch a step past the total;
    the task's hard time limit, which the delivery's lease outlives, ends that.)"""

    def __init__(self, *args: Any, total_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.total_timeout = total_timeout
        self.deadline = 0.0

    @property
    def connection_class(self) -> Any:
        if self.total_timeout is None:
            return super().connection_class
        smtp = _DeadlineSMTPSSL if self.use_ssl else _DeadlineSMTP

        def connect(*args: Any, **kwargs: Any) -> smtplib.SMTP:
            return smtp(*args, deadline=self.deadline, **kwargs)

        return connect

    def open(self) -> bool | None:
        if self.connection is None and self.total_timeout is not None:
            self.deadline = time.monotonic() + self.total_timeout
        return super().open()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if self.total_timeout is not None:
            self.deadline = time.monotonic() + self.total_timeout
            if isinstance(self.connection, _DeadlineSMTP):  # opened earlier, reused now
                self.connection.deadline = self.deadline
        return super().send_messages(email_messages)
