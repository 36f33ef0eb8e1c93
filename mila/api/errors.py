"""Errors as RFC 9457 problem details (``application/problem+json``), in the caller's language:

    {"type": "https://mila.ch/problems/validation", "title": "Your request has errors",
     "status": 400, "detail": "...", "errors": {"postcode": ["..."]}}

A refusal from a service (BookingError and its kin: "this booking can no longer be moved")
becomes 409 Conflict with the service's own message, or 403 when it says the caller may not;
the rules stay in the services."""

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from bookings.services.transitions import BookingError
from helpers.services import HelperError
from payments.card import PaymentError
from reviews.services import ReviewError

PROBLEM_TYPE = "https://mila.ch/problems/"
PROBLEM_JSON = "application/problem+json"
SERVICE_ERRORS = (BookingError, ReviewError, HelperError, PaymentError)

TITLES = {
    400: _("Your request has errors"),
    401: _("Please sign in"),
    403: _("You may not do this"),
    404: _("Not found"),
    405: _("This method is not allowed here"),
    406: _("This format is not offered"),
    409: _("This cannot be done now"),
    415: _("Please send JSON"),
    429: _("Too many requests"),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This cannot be done now.")
    default_code = "conflict"


def service_refusal(error: Exception) -> exceptions.APIException:
    """A service's refusal as the API answers it."""
    code = getattr(error, "code", "conflict") or "conflict"
    message = getattr(error, "message", str(error))
    if code == "forbidden":
        return exceptions.PermissionDenied(message, code=code)
    if isinstance(message, dict):  # field errors (HelperError carries them)
        return exceptions.ValidationError(message, code=code)
    return Conflict(message, code=code)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SERVICE_ERRORS):
        exc = service_refusal(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = problem(exc, response.status_code)
    response.content_type = PROBLEM_JSON
    return response


def problem(exc: exceptions.APIException, code: int) -> dict[str, Any]:
    title = TITLES.get(code) or HTTPStatus(code).phrase
    body: dict[str, Any] = {"type": PROBLEM_TYPE + _code(exc), "title": str(title),
                            "status": code}  # fmt: skip
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = str(_("Please correct the fields below."))
        body["errors"] = _field_errors(exc.detail)
    else:
        body["detail"] = str(exc.detail)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = int(exc.wait)
    return body


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """{"field": ["message", ...]}; errors of the whole request under "non_field_errors"."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in _flatten(detail)]}
    return {str(field): [str(item) for item in _flatten(value)] for field, value in detail.items()}


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, inner in value.items() for item in _flatten(inner)]
    if isinstance(value, list):
        return [item for inner in value for item in _flatten(inner)]
    return [value]
