from collections.abc import Callable, Iterable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

NUL = "\x00"


class RefuseNulMiddleware:
    """No NUL character in the path, the query, form data or cookies reaches a view.

    PostgreSQL cannot store or compare text with NUL in it (psycopg raises DataError, a 500),
    and no honest browser sends one: a path with it is a 404, anything else a 400, here once
    instead of in every form and lookup. Runs before the session is loaded, so a forged session
    cookie is refused too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            raise Http404
        if (
            _has_nul(request.GET.lists())
            or _has_nul((name, [value]) for name, value in request.COOKIES.items())
            or (request.method == "POST" and _has_nul(request.POST.lists()))
        ):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def _has_nul(items: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in items)


class StaffNeedTOTPMiddleware:
    """A staff member opens no admin page before they have set up an authenticator app.

    Staff can cancel bookings and see customers' addresses: a stolen password alone must not
    be enough. Without a TOTP authenticator they are sent to allauth's set-up page (which also
    hands out recovery codes); once it exists, allauth's login asks for a code every time.
    Everyone else goes on to the admin, which sends them to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _(
                    "The back office needs two-factor authentication. Please set up an "
                    "authenticator app first; then you can open it."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
