from collections.abc import Callable, Iterable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

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
