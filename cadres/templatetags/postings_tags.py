"""Template filters of the secondment, stay and task-force pages."""

from django import template

from ..filters.postings import state_label

register = template.Library()


@register.filter
def posting_state(record) -> str:
    """The record's state as the pages name it (``cadres.filters.postings.state_label``)."""
    return state_label(record)
