"""Writes on people: profile changes, language, welcome."""

from django.db import transaction

from customers.models import User
from notifications.models import Notification
from notifications.services import notify


def user_update_profile(
    *, user: User, first_name: str, last_name: str, phone: object, preferred_language: str
) -> User:
    user.first_name = first_name
    user.last_name = last_name
    user.phone = phone
    user.preferred_language = preferred_language
    user.save(update_fields=["first_name", "last_name", "phone", "preferred_language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    """The language a user picks in the header is the one they get e-mails in, too."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def customer_welcome(*, user: User) -> Notification | None:
    """Greet a person once, when their e-mail address is verified for the first time."""
    if Notification.objects.filter(recipient=user, kind=Notification.Kind.WELCOME).exists():
        return None
    return notify(recipient=user, kind=Notification.Kind.WELCOME, context={})
