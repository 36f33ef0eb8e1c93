"""Admin display fixes that belong to no single app of ours."""

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

# allauth's Authenticator model has no verbose_name, so every admin page showed the class name,
# "Authenticators", in English. Only the display names change here: migrations compare
# Meta.original_attrs, which stays as allauth wrote it, so allauth's app needs no migration.
Authenticator._meta.verbose_name = _("two-factor method")
Authenticator._meta.verbose_name_plural = _("two-factor methods")
