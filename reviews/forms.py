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


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your public reply"), max_length=settings.REVIEW_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write your reply.")},
    )  # fmt: skip


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this review?"), max_length=settings.REVIEW_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please say what is wrong with this review.")},
    )  # fmt: skip


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author and the helper are told)"),
        max_length=settings.REVIEW_REPLY_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the reason for hiding this review.")},
    )  # fmt: skip
