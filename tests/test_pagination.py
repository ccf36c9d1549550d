"""Every paginated page answers a page number of any size: never a 500."""

import pytest
from django.urls import reverse

from tests.pages import client_for
from unions.models import Role

from .factories import staff

R = Role.Kind
HUGE = ["99999999999999999999999", str(2**63), "1e400", "-99999999999999999999", "NaN"]


@pytest.mark.parametrize(
    "name, args",
    [
        ("members:member_list", []),
        ("unions:detail", ["city"]),
        ("members:roster_import_list", []),
        ("members:transfer_list", []),
        ("members:application_queue", []),
        ("accounts:inbox", []),
        ("unions:audit", []),
        ("unions:roles", []),
        ("reports:list", []),
    ],
)
def test_a_page_number_of_any_size_answers_a_page(tree, name, args):
    admin = staff(R.CITY_ADMIN, tree["city"])
    client = client_for(admin)
    url = reverse(name, args=[tree[a].pk for a in args])
    for number in HUGE:
        response = client.get(url, {"page": number})
        assert response.status_code == 200, (number, response.status_code)
