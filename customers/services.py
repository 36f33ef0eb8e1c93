"""Writes on people: profile changes, language, welcome, accounts made for callers."""

from dataclasses import dataclass

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email, user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

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


class CustomerError(Exception):
    """A request about a person that cannot be done; ``message`` is for the user."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Caller:
    """Who phoned in, as staff typed it. The name and language count only for a new account."""

    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    language: str = settings.LANGUAGE_CODE


def customer_by_email(email: str) -> User | None:
    """The account with this address, found as allauth's login finds it (any of its
    addresses, any letter case)."""
    found = filter_users_by_email(email.strip())
    return found[0] if found else None


def customer_usable_for_booking(user: User) -> None:
    """Staff may book for any customer (a helper booking help included) but not for a closed
    account or a staff account."""
    if not user.is_active:
        raise CustomerError(
            _("The account of %(email)s is closed. Please ask the caller for another e-mail "
              "address.") % {"email": user.email},
            code="closed",
        )  # fmt: skip
    if user.is_staff:
        raise CustomerError(
            _("%(email)s belongs to a staff account. Staff book for themselves on the site.")
            % {"email": user.email},
            code="staff",
        )


def customer_for_caller(*, caller: Caller) -> tuple[User, bool]:
    """The caller's account: the one with this e-mail address, or a new one without a password
    (its owner sets one from the link in the booking e-mail and takes over in the browser).
    Returns (user, created)."""
    existing = customer_by_email(caller.email)
    if existing is not None:
        customer_usable_for_booking(existing)
        return existing, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                caller.email.strip(), password=None, first_name=caller.first_name.strip(),
                last_name=caller.last_name.strip(), phone=caller.phone,
                preferred_language=caller.language,
            )  # fmt: skip
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    except IntegrityError:  # another staff member created it a moment ago
        return customer_for_caller(caller=caller)
    return user, True


def customer_password_setup_url(user: User) -> str:
    """A link to set a first password (allauth's password reset from key), while the account
    has none: it stays valid for PASSWORD_RESET_TIMEOUT and until a password is set."""
    uid = user_pk_to_url_str(user)
    key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": key})
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def customer_address_proven(*, user: User) -> None:
    """Someone set a password from a link sent to the account's only e-mail address: the
    address is theirs. A customer booked for on the phone can then log in straight away."""
    addresses = list(EmailAddress.objects.filter(user=user))
    if len(addresses) != 1 or addresses[0].verified or addresses[0].email != user.email:
        return
    addresses[0].verified = True
    addresses[0].save(update_fields=["verified"])
    customer_welcome(user=user)
