"""What each booking status means for the customer, in one sentence, and what happens next."""

from django.utils.translation import gettext_lazy as _

from bookings.models import Booking

S = Booking.Status

STATUS_EXPLANATIONS = {
    S.REQUESTED: _("We have received your booking and are arranging the payment."),
    S.SEARCHING: _(
        "We are asking checked helpers near you. You will get an e-mail as soon as one says yes."
    ),
    S.CONFIRMED: _("Your helper has confirmed. They will let you know when they are on the way."),
    S.EN_ROUTE: _(
        "Your helper is on the way. When they arrive, tell them your visit code to start."
    ),
    S.IN_PROGRESS: _("Your helper is with you now. Take your time and ask anything."),
    S.COMPLETED: _("The visit is done. We hope everything works again!"),
    S.UNFULFILLED: _(
        "We could not find a helper for this time. Choose another time, or call us and we "
        "will arrange it."
    ),
    S.CANCELLED: _("This booking was cancelled."),
}

# The badge colour class for each status (the badge always shows the text as well).
STATUS_TONES = {
    S.REQUESTED: "neutral",
    S.SEARCHING: "info",
    S.CONFIRMED: "ok",
    S.EN_ROUTE: "ok",
    S.IN_PROGRESS: "ok",
    S.COMPLETED: "done",
    S.UNFULFILLED: "warn",
    S.CANCELLED: "muted",
}
