"""A local SMTP server for fault tests: it listens on a free port of 127.0.0.1, speaks just
enough SMTP for smtplib, keeps every message it accepted, and can answer slowly. It runs in a
thread of the test process and is stopped by the test that started it."""

import socketserver
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        fake = self.server.fake
        try:
            time.sleep(fake.next_greeting_delay())
            self._reply(b"220 mila-test ESMTP")
            while line := self.rfile.readline():
                command = line[:4].upper()
                if command == b"DATA":
                    self._reply(b"354 End data with <CR><LF>.<CR><LF>")
                    fake.accept(self._read_data())
                    self._reply(b"250 Queued")
                elif command == b"QUIT":
                    self._reply(b"221 Bye")
                    return
                else:  # EHLO, MAIL, RCPT, RSET, NOOP
                    self._reply(b"250 OK")
        except OSError:  # the client gave up (timed out) and closed the connection
            return

    def _reply(self, line: bytes) -> None:
        time.sleep(self.server.fake.reply_delay)
        self.wfile.write(line + b"\r\n")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: "SMTPServer"


class SMTPServer:
    """``greeting_delays``: seconds the n-th connection waits for its greeting (later ones get
    it at once); ``reply_delay``: seconds before every reply."""

    def __init__(self, greeting_delays: Sequence[float] = (), reply_delay: float = 0.0) -> None:
        self.greeting_delays = list(greeting_delays)
        self.reply_delay = reply_delay
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.fake = self
        self.port: int = self._server.server_address[1]

    def next_greeting_delay(self) -> float:
        with self._lock:
            return self.greeting_delays.pop(0) if self.greeting_delays else 0.0

    def accept(self, data: bytes) -> None:
        with self._lock:
            self.messages.append(message_from_bytes(data))

    def mailer(self, **options: object) -> dict[str, object]:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "notifications.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, **options},
        }


@contextmanager
def smtp_server(
    greeting_delays: Sequence[float] = (), reply_delay: float = 0.0
) -> Iterator[SMTPServer]:
    server = SMTPServer(greeting_delays, reply_delay)
    thread = threading.Thread(target=server._server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server._server.shutdown()
        server._server.server_close()
        thread.join(timeout=5)
