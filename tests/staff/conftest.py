from typing import Any

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


def member_of(role: str, **kwargs: Any) -> Any:
    """A staff member (with an authenticator app) in one of the migration's groups."""
    user = UserFactory(is_staff=True, preferred_language="en", **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def support(db: None) -> Any:
    return member_of("Support")


@pytest.fixture
def onboarding(db: None) -> Any:
    return member_of("Onboarding")
