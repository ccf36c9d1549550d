"""Fixtures of the background-job tests: due applications and transfers, staff with e-mail."""

import datetime

import pytest
from django.utils import timezone

from members import services
from members.models import Application, Transfer
from tests.factories import staff
from tests.members.test_transfer_services import join, new_id_number, new_worker, submit
from unions.models import Role

R = Role.Kind


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def pending_application(union, age_days: float) -> Application:
    application = submit(new_worker(), union, new_id_number())
    Application.objects.filter(pk=application.pk).update(submitted_at=days_ago(age_days))
    return application


def waiting_transfer(member, to_union, by, age_days: float, released_by=None) -> Transfer:
    transfer = services.transfer_request(member=member, to_union=to_union, by=by)
    Transfer.objects.filter(pk=transfer.pk).update(requested_at=days_ago(age_days))
    if released_by is not None:
        transfer = services.transfer_release(transfer=transfer, by=released_by)
        Transfer.objects.filter(pk=transfer.pk).update(released_at=days_ago(age_days))
    transfer.refresh_from_db()
    return transfer


@pytest.fixture
def people(tree):
    """A clerk at each grassroots union and federation staff at s1 and d1, all with e-mail."""
    return {
        "clerk1": staff(R.UNION_CLERK, tree["g1"]),
        "clerk2": staff(R.UNION_CLERK, tree["g2"]),
        "s1_staff": staff(R.FEDERATION_STAFF, tree["s1"]),
        "d1_staff": staff(R.FEDERATION_STAFF, tree["d1"]),
    }


__all__ = ["days_ago", "join", "pending_application", "waiting_transfer"]
