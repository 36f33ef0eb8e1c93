"""Admin actions a staff member may not use are refused, not quietly dropped."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class RefuseForbiddenActions:
    """Mixed into a ModelAdmin before ``admin.ModelAdmin``.

    Django leaves an action out of the menu when ``has_<permission>_permission`` says no, and a
    forged POST of it only earns "No action selected." A POST of an action the model admin has
    but this user may not use is answered 403 here, before anything runs.
    """

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        name = request.POST.get("action", "") if request.method == "POST" else ""
        if name:
            declared = {action.name for action in self._get_base_actions()}  # type: ignore[attr-defined]
            if name in declared and name not in self.get_actions(request):  # type: ignore[attr-defined]
                raise PermissionDenied
        return super().changelist_view(request, extra_context)  # type: ignore[misc]
