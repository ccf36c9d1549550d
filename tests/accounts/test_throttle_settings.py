"""The throttle rates are settings; a wrong one is reported by `manage.py check` instead of failing requests."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_the_default_rates_pass_the_check(settings):
    call_command("check")


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("join", "10/x/user"),  # no such unit
        ("join", "ten/m/user"),
        ("union_search", "60/m/everyone"),
        ("union_search", ""),  # would guard nothing
        ("card_check", "30/m/user"),  # anonymous visitors have no account to count
    ],
)
def test_a_rate_that_cannot_work_stops_the_check(settings, action, value):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, action: value}

    with pytest.raises(SystemCheckError, match=re.escape(f"THROTTLE_RATES['{action}']")):
        call_command("check")


def test_a_missing_rate_stops_the_check(settings):
    settings.THROTTLE_RATES = {k: v for k, v in settings.THROTTLE_RATES.items() if k != "card_check"}

    with pytest.raises(SystemCheckError, match="card_check"):
        call_command("check")
