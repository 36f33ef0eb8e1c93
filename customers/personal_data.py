"""Every text field of every model, and what deleting an account does to it.

A field that can hold what a person wrote, who they are, or a copy of their e-mail address is in
ERASED with the rule ``customers.privacy.customer_delete`` applies; every other text field is in
KEPT with the reason it holds no personal data (or why it is kept). tests/customers/
test_privacy_fields.py fails for a new CharField/TextField/JSONField/EmailField that is in
neither, so nobody adds a place for personal data without deciding what deletion does to it.
"""

ERASED: dict[str, str] = {
    # Staff's reason for a refund is about the person's visit; Stripe's copy of an event may
    # carry the card holder's name and e-mail address.
    "payments.Refund.reason": "cleared on the person's bookings",
    "payments.StripeEvent.payload": "the events of the person's payments are deleted",
    # The account itself.
    "customers.User.email": "replaced by deleted-<id>@deleted.invalid (the address is free again)",
    "customers.User.first_name": "cleared",
    "customers.User.last_name": "cleared",
    "customers.User.phone": "cleared",
    "customers.User.password": "made unusable",
    "account.EmailAddress.email": "rows deleted",
    "mfa.Authenticator.data": "rows deleted",
    # Where they were signed in (browsers, app tokens): ended, so nothing stays signed in.
    "usersessions.UserSession.user_agent": "sessions ended and rows deleted",
    "usersessions.UserSession.data": "sessions ended and rows deleted",
    "usersessions.UserSession.session_key": "sessions ended and rows deleted",
    # The person's bookings (as customer). Date, service, price and postcode stay for
    # accounting and for the helper's records.
    "bookings.Booking.problem": "cleared",
    "bookings.Booking.street": "cleared",
    "bookings.Booking.city": "cleared (typed by the customer; the postcode stays)",
    "bookings.Booking.phone": "cleared",
    "bookings.Booking.cancellation_reason": "cleared",
    "bookings.BookingEvent.note": (
        "cleared on the person's bookings (whoever wrote it: it is about their visit) and on "
        "every event the person wrote"
    ),
    # The helper's report on the person's visit describes their home and devices and may name
    # them; only the customer keeps it, so it goes with them. When the *helper* who wrote it
    # deletes their account it stays: it is the customer's record of the visit.
    "bookings.VisitReport.work_done": "cleared on the person's bookings",
    "bookings.VisitReport.recommendations": "cleared on the person's bookings",
    "bookings.VisitReport.devices": "emptied on the person's bookings",
    # Reviews: what the person wrote goes; the stars stay (anonymous: the author's name is
    # erased with the account), so the helper's rating does not change.
    "reviews.Review.comment": "cleared on the person's reviews",
    "reviews.Review.reply": "cleared on replies the person wrote as a helper",
    "reviews.ReviewEvent.reason": (
        "cleared on the events of the person's reviews and on every event the person wrote"
    ),
    # Inbox rows: the person's own are deleted; other people's rows about the person's
    # bookings (staff alerts, helpers' offers) lose the town and the notes written about them.
    # A helper's first name in the inbox of customers they visited is kept: it is what the
    # customer knew of them, not something the helper wrote.
    "notifications.Notification.context": (
        "own rows deleted; others' rows about the person's bookings lose city and note"
    ),
    # Their helper profile, if they have one.
    "helpers.HelperProfile.bio": "cleared",
    "helpers.HelperProfile.company_name": "cleared",
    "helpers.HelperProfile.uid": "cleared",
    "helpers.HelperProfile.city": "cleared (the postcode stays, like a booking's)",
    "helpers.HelperProfile.calendar_token": "removed, so an old feed link stops working",
    "helpers.TimeOff.note": "cleared",
    # Waiting for helpers near them: found by the account's e-mail addresses.
    "bookings.WaitlistEntry.email": "rows deleted (any of the account's e-mail addresses)",
    # The admin's history names the person's account by its e-mail address.
    "admin.LogEntry.object_repr": "the e-mail address replaced by the deleted address",
    "admin.LogEntry.change_message": "the e-mail address replaced by the deleted address",
}

KEPT: dict[str, str] = {
    # Money: bookkeeping records, kept as the law asks (amounts, numbers, codes; no names).
    "payments.Payment.method": "a choice",
    "payments.Payment.purpose": "a choice",
    "payments.Payment.status": "a choice",
    "payments.Payment.currency": "a currency code",
    "payments.Payment.failure_message": "the bank's reason a card was declined",
    "payments.Payment.stripe_intent_id": "an id at Stripe",
    "payments.Payment.stripe_setup_intent_id": "an id at Stripe",
    "payments.Refund.status": "a choice",
    "payments.Refund.idempotency_key": "booking:<id>:refund:<n>",
    "payments.Refund.stripe_refund_id": "an id at Stripe",
    "payments.Invoice.kind": "a choice",
    "payments.Invoice.number": "the invoice number (bookkeeping)",
    "payments.Invoice.reference": "the payment reference, digits",
    "payments.Invoice.status": "a choice",
    "payments.Invoice.lines": "codes and amounts (bookkeeping)",
    "payments.EarningEntry.kind": "a choice",
    "payments.StripeEvent.id": "an id at Stripe",
    "payments.StripeEvent.type": "an event type",
    "payments.StripeEvent.intent_id": "an id at Stripe",
    "reviews.Review.status": "a choice",
    "reviews.ReviewEvent.kind": "a choice",
    "reviews.ReviewEvent.data": "star counts before and after a change",
    "helpers.HelperProfile.rating_distribution": "counts of ratings per star",
    "helpers.HelperProfile.category_ratings": "sums and counts of ratings per category",
    "customers.User.preferred_language": "a language code",
    "admin.LogEntry.object_id": "a primary key",
    "auth.Permission.name": "configuration",
    "auth.Permission.codename": "configuration",
    "auth.Group.name": "configuration",
    "contenttypes.ContentType.app_label": "configuration",
    "contenttypes.ContentType.model": "configuration",
    "sessions.Session.session_key": "a random key",
    "sessions.Session.session_data": (
        "the deleting browser's session is flushed at logout; on other devices the session no "
        "longer logs in (inactive, unusable password) and expires after SESSION_COOKIE_AGE"
    ),
    "account.EmailConfirmation.key": "a random key (rows go with the e-mail address)",
    "mfa.Authenticator.type": "a choice",
    "helpers.HelperProfile.tier": "a choice",
    "helpers.HelperProfile.status": "a choice",
    "helpers.HelperProfile.status_reason": (
        "staff's reason for the last review, the audit trail ('account deleted' on closing)"
    ),
    "helpers.HelperProfile.languages": "language codes",
    "helpers.HelperProfile.postcode": "coarse location, kept like a booking's postcode",
    "helpers.HelperProfile.country": "a country code",
    "helpers.HelperEvent.from_status": "a choice",
    "helpers.HelperEvent.to_status": "a choice",
    "helpers.HelperEvent.reason": "staff's audit trail of reviews (why a helper was suspended)",
    "bookings.Booking.reference": "a code Mila made",
    "bookings.Booking.tier": "a choice",
    "bookings.Booking.postcode": "kept for accounting and the helper's records",
    "bookings.Booking.country": "a choice",
    "bookings.Booking.timing": "a choice",
    "bookings.Booking.currency": "a currency code",
    "bookings.Booking.payment_method": "a code",
    "bookings.Booking.status": "a choice",
    "bookings.Booking.visit_code": "four random digits",
    "bookings.BookingEvent.from_status": "a choice",
    "bookings.BookingEvent.to_status": "a choice",
    "bookings.BookingEvent.role": "a choice",
    "bookings.BookingEvent.data": "structured values: fees, times, ids, choice codes",
    "bookings.Offer.breakdown": "matching's numbers about the helper",
    "bookings.Offer.status": "a choice",
    "bookings.Offer.decline_reason": "a choice",
    "bookings.Offer.withdrawn_reason": "a choice",
    "bookings.HelperSlot.tier": "derived from the profile",
    "bookings.HelperSlot.languages": "derived from the profile (language codes)",
    "bookings.Reminder.kind": "a choice",
    "bookings.WaitlistEntry.postcode": "coarse location (the row goes with its e-mail address)",
    "bookings.WaitlistEntry.country": "a choice",
    "bookings.WaitlistEntry.language": "a language code",
    "notifications.Notification.kind": "a choice",
    "notifications.Notification.last_error": "the mail server's answer",
    # The catalogue.
    **{
        f"bookings.{model}.{field}_{lang}": "the catalogue"
        for model, fields in (
            ("ServiceCategory", ("name", "description")),
            ("Service", ("name", "description", "summary")),
        )
        for field in fields
        for lang in ("de", "fr", "it", "en")
    },
    "bookings.ServiceCategory.slug": "the catalogue",
    "bookings.Service.slug": "the catalogue",
}
