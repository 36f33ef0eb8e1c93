from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from customers.services import customer_welcome
from notifications.services import email_send_later


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # A visitor who browses in French signs up as a French speaker.
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                customer_welcome(user=email_address.user)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account e-mails (verification, password reset) are rendered now, in the visitor's
        language, and sent by a worker after commit, so a slow mail server never holds up
        the page."""
        request = self.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        ctx.update(context)
        msg = self.render_mail(template_prefix, email, ctx)
        html = next(
            (str(c) for c, mime in getattr(msg, "alternatives", []) if mime == "text/html"), ""
        )
        email_send_later(subject=str(msg.subject), body=str(msg.body), html=html, to=list(msg.to))
