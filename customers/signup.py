"""allauth's sign-up form, made to answer a registered address as slowly as a new one."""

from typing import Any

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class AccountSignupForm(SignupForm):
    def try_save(self, request: HttpRequest) -> Any:
        """A new account costs one password hash (``set_password``); a registered address would
        cost none and answer ten times faster, telling a stranger it has an account. Hash the
        submitted password there too and throw it away. Both send one e-mail, queued the same
        way (``AccountAdapter.send_mail``)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
