from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from customers.middleware import user_language, user_language_activate
from customers.services import customer_welcome
from helpers.models import HelperProfile
from notifications.services import email_send_later, render_plain_text


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # A visitor who browses in French signs up as a French speaker.
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def login(self, request: HttpRequest, user: Any) -> None:
        """Once someone is known the rest of the request speaks their language, so the
        "you are signed in" message (rendered now, shown on the next page) matches the page
        it is shown on, on the site and in the admin."""
        super().login(request, user)
        user_language_activate(request, user)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Helpers land on their own page after logging in (a ``next`` still wins: allauth
        follows it before asking here); everyone else on the home page."""
        user = request.user
        if user.is_authenticated and HelperProfile.objects.filter(user_id=user.pk).exists():
            return reverse("bookings:helper_dashboard")
        return super().get_login_redirect_url(request)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                customer_welcome(user=email_address.user)
        return confirmed

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMultiAlternatives:
        """As allauth's, except that the subject and the text part are plain text, rendered
        where every e-mail's are (notifications.services.render_plain_text), so a name or an
        address with an apostrophe or an ampersand reads as typed. The HTML part, where there
        is one, stays escaped."""
        subject = render_plain_text(f"{template_prefix}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=self.format_email_subject(" ".join(subject.split())),
            body=render_plain_text(f"{template_prefix}_message.txt", context).strip(),
            from_email=self.get_from_email(),
            to=[email] if isinstance(email, str) else email,
            headers=headers,
        )
        try:
            html = render_to_string(f"{template_prefix}_message.html", context, self.request)
        except TemplateDoesNotExist:  # allauth's own e-mails (MFA changes) are text only
            return message
        message.attach_alternative(html.strip(), "text/html")
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account e-mails (verification, password reset) are rendered now and sent by a
        worker after commit, so a slow mail server never holds up the page. One to an account
        speaks its owner's language; one to an unknown address the page's."""
        with translation.override(self._recipient_language(email, context)):
            self._send_mail_now(template_prefix, email, context)

    def _recipient_language(self, email: str, context: dict[str, Any]) -> str:
        user = context.get("user") or next(iter(filter_users_by_email(email)), None)
        return user_language(user) or translation.get_language() or settings.LANGUAGE_CODE

    def _send_mail_now(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
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
