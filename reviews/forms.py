from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reviews.models import STARS


class ReviewForm(forms.Form):
    """Stars 1–5 (a radio group) and an optional comment; the service checks them again."""

    stars = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(n, str(n)) for n in STARS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose 1 to 5 stars."),
                        "invalid_choice": _("Please choose 1 to 5 stars.")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("What went well, what could be better? (optional)"), required=False,
        max_length=settings.REVIEW_COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


def _text(label: Any, required: Any) -> forms.CharField:
    """A required text box of a few lines (reply, report, hiding reason)."""
    return forms.CharField(
        label=label, max_length=settings.REVIEW_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": required},
    )  # fmt: skip


class ReplyForm(forms.Form):
    text = _text(_("Your public reply"), _("Please write your reply."))


class ReportForm(forms.Form):
    reason = _text(
        _("What is wrong with this review?"), _("Please say what is wrong with this review.")
    )


class HideForm(forms.Form):
    reason = _text(
        _("Reason (the author and the helper are told)"),
        _("Please give the reason for hiding this review."),
    )
