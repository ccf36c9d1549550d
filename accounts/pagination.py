"""The page number a list is asked for, as every paginated page reads it."""

# No list is paged deeper than this. A page number is typed by anybody into the address bar: far
# past this, an OFFSET costs a scan of every row it skips, and past 2**63 the database refuses it
# (a 500). Nobody reads page 10,000 of a list; they narrow the filters.
MAX_PAGE = 10_000


def page_number(value) -> int:
    """``?page=`` as a number from 1 to ``MAX_PAGE``: missing or malformed is 1, too deep is the deepest."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)
