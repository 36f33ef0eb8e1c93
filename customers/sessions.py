"""Where someone is signed in: each browser and each app (an API session token) is a session
of its own (allauth.usersessions), listed on the account page with when it ends, and ended
there one by one."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import Http404


@dataclass(frozen=True)
class SignedIn:
    pk: int
    user_agent: str
    ip: str
    started: datetime
    expires: datetime | None  # None: the session store does not say
    current: bool


def signed_in_sessions(user: Any, *, current_key: str | None) -> list[SignedIn]:
    """The user's sessions that still work, the current one first, then the newest. Ended or
    expired ones are cleared away on the way."""
    sessions = UserSession.objects.purge_and_list(user)
    expiry: dict[str, datetime] = {}
    if settings.SESSION_ENGINE.endswith(("db", "cached_db")):
        keys = [session.session_key for session in sessions]
        expiry = dict(
            Session.objects.filter(session_key__in=keys).values_list("session_key", "expire_date")
        )
    listed = [
        SignedIn(pk=session.pk, user_agent=session.user_agent, ip=session.ip,
                 started=session.created_at,
                 expires=expiry.get(session.session_key),
                 current=session.session_key == current_key)
        for session in sessions
    ]  # fmt: skip
    return sorted(listed, key=lambda s: (not s.current, -s.started.timestamp()))


def signed_in_session_end(*, user: Any, pk: int) -> None:
    """Sign out one browser or app: its session (or API token) stops working at once.
    Someone else's session is not found."""
    session = UserSession.objects.filter(user_id=user.pk, pk=pk).first()
    if session is None:
        raise Http404
    session.end()
