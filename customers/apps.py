from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and accounts")

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        password_reset.connect(_address_proven_by_reset, dispatch_uid="customers.address_proven")

        from notifications.services import register_context_loader

        register_context_loader("password_setup_for", _password_setup)


def _address_proven_by_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from customers.services import customer_address_proven

    customer_address_proven(user=user)


def _password_setup(user_id: int) -> dict[str, Any]:
    """For an e-mail to someone booked for on the phone: the link to set a first password,
    made when the e-mail is sent, and only while the account still has no password."""
    from customers.models import User
    from customers.services import customer_password_setup_url

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return {}
    return {"password_setup_url": customer_password_setup_url(user)}
