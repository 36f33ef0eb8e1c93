import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_inbox_shows_own_messages_and_unread_badge(client) -> None:
    user = UserFactory()
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=UserFactory())  # someone else's
    client.force_login(user)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert 'class="badge badge-accent">2<' in response.content.decode()


def test_mark_one_read(client) -> None:
    user = UserFactory()
    first, second = NotificationFactory.create_batch(2, recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_mark_read_with_htmx_returns_the_item(client) -> None:
    user = UserFactory()
    notification = NotificationFactory(recipient=user)
    client.force_login(user)
    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<li") and "<html" not in body


def test_someone_elses_notification_is_404(client) -> None:
    notification = NotificationFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client) -> None:
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    other = NotificationFactory()
    client.force_login(user)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.for_recipient(user).unread().exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_needs_post(client) -> None:
    user = UserFactory()
    notification = NotificationFactory(recipient=user)
    client.force_login(user)
    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405


@pytest.mark.parametrize("count", [5, 50])
def test_inbox_query_count_is_constant(client, django_assert_max_num_queries, count: int) -> None:
    user = UserFactory()
    NotificationFactory.create_batch(count, recipient=user)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200


def test_inbox_requires_login(client) -> None:
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302


def test_inbox_texts_are_rendered_once_and_follow_their_context(client) -> None:
    user = UserFactory()
    approved = NotificationFactory(recipient=user, kind="helper_approved", context={"tier": "pro"})
    client.force_login(user)
    template = "emails/helper_approved/inbox.html"

    first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox"))

    assert "als Pro" in first.content.decode() and "als Pro" in second.content.decode()
    assert template in [t.name for t in first.templates]
    assert template not in [t.name for t in second.templates]  # from the cache
    # Someone's data erased from the inbox (customers/privacy.py) shows at once.
    Notification.objects.filter(pk=approved.pk).update(context={"tier": "friend"})
    third = client.get(reverse("notifications:inbox")).content.decode()
    assert "als Pro" not in third and "als Friend" in third


def test_the_unread_badge_is_cached_and_renewed_by_every_change(
    client, django_assert_num_queries
) -> None:
    from notifications.services import notification_mark_read, notify, notify_many

    user = UserFactory()
    client.force_login(user)
    badge = 'class="badge badge-accent">{}<'
    client.get(reverse("about"))
    with django_assert_num_queries(1):  # the user; the count comes from the cache
        client.get(reverse("about"))

    first = notify(recipient=user, kind="welcome", send_email=False)
    assert badge.format(1) in client.get(reverse("about")).content.decode()
    notify_many(kind="welcome", contexts={user.pk: {}}, send_email=False)
    assert badge.format(2) in client.get(reverse("about")).content.decode()
    notification_mark_read(user=user, notification_id=first.pk)
    assert badge.format(1) in client.get(reverse("about")).content.decode()
    Notification.objects.filter(recipient=user).delete()
    assert "badge-accent" not in client.get(reverse("about")).content.decode()
