"""What every API call shares: the public catalogue and quote, errors as problem details in the
caller's language, app tokens that expire and end, the schema and its offline readers."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Service
from tests.api.conftest import app_sign_in, token_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def tomorrow_at_ten() -> str:
    at = timezone.localtime() + timedelta(days=1)
    return at.replace(hour=10, minute=0, second=0, microsecond=0).isoformat()


def test_the_catalogue_is_public_and_in_the_callers_language(
    api: APIClient, catalogue: None
) -> None:
    response = api.get("/api/v1/services/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Service.objects.bookable().count()
    first = Service.objects.bookable().order_by("category__position", "position", "pk").first()
    assert first is not None
    assert body["results"][0]["slug"] == first.slug
    assert body["results"][0]["name"] == first.name_fr
    assert response["Content-Language"] == "fr"


def test_one_service_and_an_unknown_one(api: APIClient, catalogue: None) -> None:
    service = Service.objects.bookable().first()
    assert service is not None
    assert api.get(f"/api/v1/services/{service.slug}/").json()["price"] == service.price
    missing = api.get("/api/v1/services/no-such-thing/", HTTP_ACCEPT_LANGUAGE="de")
    assert missing.status_code == 404
    assert missing["Content-Type"] == PROBLEM
    assert missing.json() == {
        "type": "https://mila.ch/problems/not_found", "title": "Nicht gefunden", "status": 404,
        "detail": "Nicht gefunden.",
    }  # fmt: skip


def test_a_quote_has_each_tiers_lines_and_the_policy(api: APIClient, reachable: Any) -> None:
    service = Service.objects.bookable().filter(pro_only=False).first()
    assert service is not None

    response = api.post("/api/v1/quote/", {"service": service.slug, "postcode": "8001",
                        "timing": "scheduled", "starts_at": tomorrow_at_ten()},
                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    assert response.status_code == 200, response.content
    body = response.json()
    assert [option["tier"] for option in body["options"]] == ["friend", "pro"]
    friend = body["options"][0]
    assert friend["lines"][0]["code"] == "base"
    assert friend["lines"][0]["label"].startswith("Visit (about")
    assert friend["total"] == sum(line["amount"] for line in friend["lines"])
    assert body["policy"]["free_cancellation_hours"] == 24
    assert "Zürich" in body["towns"]


def test_a_postcode_nobody_reaches_is_a_conflict_with_the_reason(
    api: APIClient, reachable: Any
) -> None:
    service = Service.objects.bookable().first()
    assert service is not None

    response = api.post("/api/v1/quote/", {"service": service.slug, "postcode": "1200",
                        "timing": "asap"}, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    assert response.status_code in (409,)
    problem = response.json()
    assert problem["status"] == 409 and problem["type"].endswith("/coverage")
    assert problem["detail"] == "We have no helpers near 1200 yet."


def test_bad_input_lists_each_fields_errors(api: APIClient, catalogue: None) -> None:
    response = api.post("/api/v1/quote/", {"service": "nope", "timing": "sometime"},
                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["title"] == "Your request has errors"
    assert set(problem["errors"]) == {"service", "postcode", "timing"}


def test_anonymous_calls_to_private_endpoints_get_401(api: APIClient) -> None:
    response = api.get("/api/v1/bookings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"
    assert response["Content-Type"] == PROBLEM


def test_an_app_signs_in_and_its_token_can_be_ended(app_user: Any) -> None:
    client = token_client(app_user)
    assert client.get("/api/v1/services/").status_code == 200

    token = app_sign_in(app_user.email, PASSWORD)
    other = APIClient()
    other.credentials(HTTP_X_SESSION_TOKEN=token)
    assert other.get("/api/v1/services/").status_code == 200
    logout = APIClient().delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert logout.status_code == 401  # allauth answers a sign-out with "no longer signed in"

    ended = other.get("/api/v1/services/")
    assert ended.status_code == 401
    assert ended.json()["status"] == 401


def test_the_schema_and_its_readers_are_served_offline(api: APIClient) -> None:
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Mila API"

    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # no inline script: the start-up script is its own request
    script_src = docs["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in script_src
    init = api.get("/api/v1/docs/?script=")
    assert init.status_code == 200 and "/api/v1/schema/" in init.content.decode()

    redoc = api.get("/api/v1/redoc/")
    assert redoc.status_code == 200
    page = redoc.content.decode()
    assert "fonts.googleapis.com" not in page and "<script>" not in page
    assert 'data-spec="/api/v1/schema/"' in page


def test_too_many_anonymous_requests_are_throttled(api: APIClient, throttle_rates: Any) -> None:
    throttle_rates(anon="3/min", user="5/min")

    statuses = [api.get("/api/v1/services/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    problem = api.get("/api/v1/services/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (problem["status"], problem["title"]) == (429, "Too many requests")
    assert 0 < problem["retry_after"] <= 60
    other_address = api.get("/api/v1/services/", REMOTE_ADDR="203.0.113.9")
    assert other_address.status_code == 200  # counted per address


def test_a_signed_in_caller_is_throttled_by_account(app_user: Any, throttle_rates: Any) -> None:
    throttle_rates(anon="100/min", user="2/min")
    client = token_client(app_user)

    statuses = [client.get("/api/v1/bookings/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_an_expired_token_is_refused(app_user: Any) -> None:
    from django.contrib.sessions.models import Session

    client = token_client(app_user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    # Sessions are cached_db: the cached copy expires with the session (its timeout is the
    # session's age), which a moved expiry date in the database does not do by itself.
    cache.clear()

    response = client.get("/api/v1/bookings/")

    assert response.status_code == 401


def test_every_operation_documents_its_answers_and_examples(api: APIClient) -> None:
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            codes = set(operation["responses"])
            if not any(code.startswith("2") for code in codes):
                missing.append(f"{where}: no success response")
            if "429" not in codes:
                missing.append(f"{where}: no 429")
            public = {} in operation.get("security", [{}])
            if not public and not {"401", "403"} <= codes:
                missing.append(f"{where}: no 401/403")
            for code in codes - {"200", "201", "204"}:
                content = operation["responses"][code].get("content", {})
                if "application/problem+json" not in content:
                    missing.append(f"{where}: {code} is not a problem")
            body = operation.get("requestBody")
            if body and not any(media.get("examples") for media in body["content"].values()):
                missing.append(f"{where}: request without an example")
    assert missing == []
