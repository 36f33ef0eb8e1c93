"""Demo reviews for ``manage.py seed_demo``: the demo customers rate the visits they had (the
completed bookings of ``bookings.demo``), in their language, through the services — so the
helpers' ratings follow from the reviews. Each helper answers their first 5-star review; the
low rating of a printer visit is reported by its helper and waits in the moderation queue.

Idempotent: a booking that has a review is skipped.
"""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.demo import NAMESPACE, PLAN, Visit
from bookings.demo import _news_at as news_at
from bookings.models import Booking
from reviews.models import Review
from reviews.services import review_create, review_reply, review_report

RATED_AFTER = timedelta(hours=20)  # the customer rates the visit the next day
COMMENTS = {  # stars → comment, in the customer's language ("" for no comment)
    "de": {
        5: "Sehr geduldig und freundlich. Alles wurde verständlich erklärt – jetzt klappt es.",
        4: "Hat gut geholfen, war nur etwas später als abgemacht.",
        3: "Das Wichtigste geht wieder, aber ich hätte mir mehr Erklärungen gewünscht.",
        2: "Der Drucker druckt, aber das Scannen geht immer noch nicht.",
    },
    "fr": {
        5: "Très patient et aimable. Tout a été bien expliqué, maintenant ça marche.",
        4: "Une bonne aide, juste un peu en retard.",
        3: "L'essentiel refonctionne, mais j'aurais aimé plus d'explications.",
        2: "L'imprimante imprime, mais le scanner ne marche toujours pas.",
    },
    "it": {
        5: "Molto paziente e gentile. Ha spiegato tutto bene, ora funziona.",
        4: "Un buon aiuto, solo un po' in ritardo.",
        3: "L'essenziale funziona di nuovo, ma avrei voluto più spiegazioni.",
        2: "La stampante stampa, ma lo scanner ancora non funziona.",
    },
    "en": {
        5: "Very patient and friendly. Everything was explained clearly – it works now.",
        4: "Helped well, just came a little later than agreed.",
        3: "The main thing works again, but I would have liked more explanation.",
        2: "The printer prints, but scanning still does not work.",
    },
}
REPLIES = {
    "de": "Vielen Dank! Melden Sie sich gerne wieder, wenn etwas nicht klappt.",
    "fr": "Merci beaucoup ! N'hésitez pas si quelque chose ne marche pas.",
    "it": "Grazie mille! Mi scriva pure se qualcosa non funziona.",
    "en": "Thank you! Get in touch again whenever something does not work.",
}
REPORTS = {
    "de": "Das Scannen war nicht Teil des Auftrags; das habe ich vor Ort so besprochen.",
    "fr": "Le scanner ne faisait pas partie de l'intervention ; nous l'avions convenu sur place.",
    "it": "Lo scanner non faceva parte dell'incarico; ne avevamo parlato sul posto.",
    "en": "Scanning was not part of the job; we agreed on that at the visit.",
}
FLAGGED_STARS = 2  # the helper reports the demo's lowest rating
QUIET_CUSTOMER = "claude@mila.example"  # rates without a comment


def _completed() -> list[tuple[Booking, Visit]]:
    keyed = {
        uuid.uuid5(NAMESPACE, f"{email}:{number}"): visit
        for email, visits in PLAN.items()
        for number, visit in enumerate(visits)
    }
    bookings = (
        Booking.objects.filter(idempotency_key__in=keyed, status=Booking.Status.COMPLETED)
        .filter(review__isnull=True)
        .select_related("customer", "helper__user", "service")
        .order_by("completed_at")
    )
    return [(booking, keyed[booking.idempotency_key]) for booking in bookings]


def _rate(booking: Booking, visit: Visit, now: datetime) -> None:
    at = min(booking.completed_at + RATED_AFTER, now) if booking.completed_at else now
    language = booking.customer.preferred_language
    quiet = booking.customer.email == QUIET_CUSTOMER and visit.stars == 5
    comment = "" if quiet else COMMENTS[language].get(visit.stars, "")
    with news_at(at, now):
        review = review_create(
            booking=booking, user=booking.customer, stars=visit.stars, comment=comment, now=at
        )
    helper_user = booking.helper.user if booking.helper else None
    if helper_user is None:
        return
    helper_language = helper_user.preferred_language
    later = min(at + timedelta(hours=2), now)
    if visit.stars == FLAGGED_STARS:
        with news_at(later, now):  # the staff alert is old news, not e-mailed today
            review_report(review=review, user=helper_user, reason=REPORTS[helper_language],
                          now=later)  # fmt: skip
    elif (
        visit.stars == 5
        and not Review.objects.filter(helper=booking.helper).exclude(replied_at=None).exists()
    ):
        review_reply(review=review, user=helper_user, text=REPLIES[helper_language], now=later)


@transaction.atomic
def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    now = now or timezone.now()
    for booking, visit in _completed():
        _rate(booking, visit, now)  # the day after the visit, so also visits 30+ days ago
    return []
