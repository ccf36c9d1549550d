"""Links to many objects of one kind, as a list page or a batch job makes them."""

from django.urls import reverse


def url_pattern(name: str) -> str:
    """The URL named ``name`` for any object id, reversed once: ``url_pattern(name).format(pk)``.

    A list of 50 rows or a job of 50,000 reminders links each row; ``reverse`` for each of them cost
    more than the rest of the row. The URL must take the id as its one argument.
    """
    return reverse(name, args=[0]).replace("/0/", "/{}/")
