"""What the quote page's form posts back: the chosen tier, the draft's key and what was seen."""

from django.test import Client
from django.urls import reverse


def confirm_data(client: Client, tier: str = "friend") -> dict[str, str]:
    """The confirm POST a customer sends after reading the quote page (fetched now)."""
    form = client.get(reverse("bookings:quote")).context["form"]
    return {"tier": tier, "key": str(form.initial["key"]), "seen": form.initial["seen"]}
