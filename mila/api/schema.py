"""The OpenAPI schema's shared parts: every operation lists the problems it can answer with
(400 for bad input, 401/403 when it needs someone signed in, 404 for an object in the path,
409 where a service may refuse, 429 always), each as ``application/problem+json``."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from mila.api.errors import PROBLEM_JSON, PROBLEM_TYPE, TITLES


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Only for 400: the messages for each field.",
    )  # fmt: skip
    retry_after = serializers.IntegerField(required=False, help_text="Only for 429: seconds.")


EXAMPLES = {
    400: {"type": PROBLEM_TYPE + "validation", "title": "Your request has errors", "status": 400,
          "detail": "Please correct the fields below.",
          "errors": {"postcode": ["Please enter a Swiss postcode (4 digits)."]}},
    401: {"type": PROBLEM_TYPE + "not_authenticated", "title": "Please sign in", "status": 401,
          "detail": "Authentication credentials were not provided."},
    403: {"type": PROBLEM_TYPE + "permission_denied", "title": "You may not do this",
          "status": 403, "detail": "You do not have permission to perform this action."},
    404: {"type": PROBLEM_TYPE + "not_found", "title": "Not found", "status": 404,
          "detail": "Not found."},
    409: {"type": PROBLEM_TYPE + "conflict", "title": "This cannot be done now", "status": 409,
          "detail": "This booking can no longer be cancelled."},
    429: {"type": PROBLEM_TYPE + "throttled", "title": "Too many requests", "status": 429,
          "detail": "Request was throttled. Expected available in 12 seconds.",
          "retry_after": 12},
}  # fmt: skip


def problem_response(code: int) -> OpenApiResponse:
    return OpenApiResponse(
        ProblemSerializer,
        description=str(TITLES[code]),
        examples=[
            OpenApiExample(
                f"problem {code}", value=EXAMPLES[code], status_codes=[code], response_only=True
            )
        ],
    )


class MilaAutoSchema(AutoSchema):
    """Adds the problems each operation can answer with (see the module's text). A view says
    that a service may refuse with ``api_conflicts = True``."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._problem_codes():
            key = str(code)
            if key not in responses:
                responses[key] = self._get_response_for_code(
                    problem_response(code), key, [PROBLEM_JSON], direction
                )
        return responses

    def _problem_codes(self) -> list[int]:
        codes = []
        paged = (
            self.method == "GET"
            and self._is_list_view()
            and bool(getattr(self.view, "pagination_class", None))
        )
        query = getattr(self.view, "api_query_serializer", None)
        if self.method in ("POST", "PUT", "PATCH") or self.get_filter_backends() or paged or query:
            codes.append(400)
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += [401, 403]
        if "{" in self.path or paged:  # an object in the path, or a page past the last
            codes.append(404)
        if getattr(self.view, "api_conflicts", False) and self.method != "GET":
            codes.append(409)
        codes.append(429)
        return codes
