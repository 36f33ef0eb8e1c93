from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpersConfig(AppConfig):
    name = "helpers"
    verbose_name = _("Helpers")

    def ready(self) -> None:
        from notifications.services import register_context_loader

        register_context_loader("helper_id", _load_helper)


def _load_helper(helper_id: Any) -> dict[str, Any]:
    from helpers.models import HelperProfile

    return {"helper": HelperProfile.objects.select_related("user").filter(pk=helper_id).first()}
