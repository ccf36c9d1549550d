"""The dashboard's number filters, in both languages."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_counts_are_grouped_by_thousands_in_either_language(language):
    template = Template("{% load report_format %}{{ n|thousands }} {{ none|thousands }} {{ dash|thousands }}")
    with translation.override(language):
        assert template.render(Context({"n": 1234567, "none": None, "dash": "—"})) == "1,234,567  —"


def test_a_rank_is_a_badge_and_no_rank_is_nothing():
    template = Template("{% load report_format %}[{{ 3|rank_badge }}][{{ None|rank_badge }}]")
    with translation.override("zh-hans"):
        html = template.render(Context({}))
    assert "#3</span>" in html and 'title="排名"' in html
    assert html.endswith("[]")
