"""Admin helpers: actions a staff member may not use are refused, not quietly dropped; the
confirmation page of an action that needs a reason; a column of amounts in CHF."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from mila.lib.money import format_chf


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


def reason_page(
    model_admin: Any, request: HttpRequest, *, template: str, title: object, form: Any,
    **objects: Any,
) -> TemplateResponse:  # fmt: skip
    """The intermediate page of an action that needs a reason (templates extend
    admin/reason_action.html): the selected ``objects`` stay selected, the action is posted
    again with ``confirm``."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "action": request.POST.get("action"),
        "opts": model_admin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        **objects,
    }
    return TemplateResponse(request, template, context)


def chf_column(field: str, description: Any, *, ordering: bool = True) -> Any:
    """A read-only admin column (or field) showing a Rappen amount in CHF."""
    return admin.display(description=description, ordering=field if ordering else None)(
        lambda model_admin, obj: format_chf(getattr(obj, field))
    )
