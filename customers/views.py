from typing import cast

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.forms import DeleteAccountForm, LanguageForm, ProfileForm
from customers.models import User
from customers.privacy import PrivacyError, customer_delete, customer_export
from customers.services import user_set_language, user_update_profile
from customers.sessions import signed_in_session_end, signed_in_sessions


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=user, **form.cleaned_data)
        translation.activate(form.cleaned_data["preferred_language"])
        messages.success(request, _("Your profile has been saved."))
        response = redirect("customers:profile")
        _set_language_cookie(response, form.cleaned_data["preferred_language"])
        return response
    sessions = signed_in_sessions(user, current_key=request.session.session_key)
    return render(request, "customers/profile.html", {"form": form, "sessions": sessions})


@login_required
@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Sign out" beside a browser or app on the account page."""
    signed_in_session_end(user=request.user, pk=pk)
    messages.success(request, _("That browser or app is signed out."))
    return redirect(reverse("customers:profile") + "#sessions-title")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the site language; for a logged-in user it is stored on the profile."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(_same_site_path(request, request.POST.get("next", "")))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        _set_language_cookie(response, language)
    return response


def _same_site_path(request: HttpRequest, url: str) -> str:
    """``url`` if it is a path on this site, else the home page. Never a URL name: ``redirect()``
    would try to reverse "NaN" and fail."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    """Everything we store about the person, as a JSON file to keep."""
    data = customer_export(user=cast(User, request.user))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mila-data-{stamp}.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Asks for the password, so it shares password change's limit on guesses (a 429 beyond)."""
    user = cast(User, request.user)
    if refused := ratelimit.consume_or_429(request, action="change_password"):  # POSTs only
        return refused
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            customer_delete(user=user)
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye!"))
            return redirect("home")
    return render(request, "customers/delete.html", {"form": form})
