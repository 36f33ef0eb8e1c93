"""Load the starting catalogue (bookings/catalogue.py) into the given models.

Used by the data migration (with historical models) and by tests. Rows are matched by slug;
existing rows, possibly edited by staff, are left as they are.
"""

from typing import Any

LANGUAGES = ("de", "fr", "it", "en")


def load_catalogue(category_model: Any, service_model: Any) -> None:
    from bookings import catalogue

    categories = {}
    data: Any  # plain dicts of mixed values (bookings/catalogue.py)
    for data in catalogue.CATEGORIES:
        fields: dict[str, Any] = {"position": data["position"]}
        for lang in LANGUAGES:
            fields[f"name_{lang}"] = data["name"][lang]
            fields[f"description_{lang}"] = data["description"][lang]
        categories[data["slug"]], _created = category_model.objects.get_or_create(
            slug=data["slug"], defaults=fields
        )
    for data in catalogue.SERVICES:
        fields = {
            "category": categories[data["category"]],
            "position": data["position"],
            "duration_minutes": data["duration_minutes"],
            "price": data["price"],
            "pro_only": data["pro_only"],
        }
        for lang in LANGUAGES:
            for text in ("name", "summary", "description"):
                fields[f"{text}_{lang}"] = data[text][lang]
        service_model.objects.get_or_create(slug=data["slug"], defaults=fields)
