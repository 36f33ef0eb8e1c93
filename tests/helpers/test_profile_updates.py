"""A helper's own edits never undo staff decisions; demo data stays out of production."""

import pytest
from django.core.management import CommandError, call_command

from helpers.models import HelperProfile
from helpers.services import HelperError, helper_apply, helper_decide, helper_update_profile
from tests.factories import HelperProfileFactory

pytestmark = pytest.mark.django_db


def test_saving_the_profile_does_not_undo_a_suspension(make_application, staff) -> None:
    helper = HelperProfileFactory(status="approved")
    stale = HelperProfile.objects.get(pk=helper.pk)  # the helper's form loaded this copy
    helper_decide(profile=helper, to="suspended", actor=staff, reason="Complaint under review")
    helper_update_profile(profile=stale, application=make_application(radius_km=30))
    helper.refresh_from_db()
    assert (helper.status, helper.status_reason) == ("suspended", "Complaint under review")
    assert helper.radius_km == 30


def test_reviewed_helper_keeps_tier_and_company(make_application) -> None:
    helper = HelperProfileFactory(
        status="approved", tier="pro", company_name="Keller IT GmbH", uid="CHE-116.281.710"
    )
    helper_update_profile(
        profile=helper,
        application=make_application(tier="friend", company_name="Other AG", uid=""),
    )
    helper.refresh_from_db()
    assert (helper.tier, helper.company_name, helper.uid) == (
        "pro", "Keller IT GmbH", "CHE-116.281.710",
    )  # fmt: skip


def test_applicant_may_still_change_tier(make_application) -> None:
    helper = HelperProfileFactory(status="applied", tier="friend")
    helper_update_profile(
        profile=helper,
        application=make_application(tier="pro", company_name="Neu GmbH", uid="CHE-116.281.710"),
    )
    helper.refresh_from_db()
    assert (helper.tier, helper.company_name) == ("pro", "Neu GmbH")


def test_seed_demo_refuses_to_run_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not HelperProfile.objects.exists()


def test_service_refuses_a_pro_without_company_details(make_application, user) -> None:
    with pytest.raises(HelperError) as refused:
        helper_apply(user=user, application=make_application(tier="pro", company_name="", uid=""))
    assert refused.value.code == "pro_details"
    assert not HelperProfile.objects.exists()
