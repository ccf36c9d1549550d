"""Member searches by ID number or mobile, kept out of every URL.

A URL ends up in access logs, proxies, browser history and the links a page makes from its own
address. A search whose text is an ID number (valid or not) or a mobile is therefore stored in the
cache under a random token, bound to the user who searched and expiring; the URL carries only the
token (``?s=…``). Name and card searches stay readable in the URL: they identify nobody alone.
"""

import secrets

from django.core.cache import cache
from django.http import QueryDict

from .filters import SEARCH_BAD_ID, SEARCH_ID, SEARCH_MOBILE, classify_search

SEARCH_PARAM = "s"
# A working day: long enough to page through results and come back from a member's page; a token
# found later in a log or a history names nothing.
TOKEN_TIMEOUT = 8 * 3600
# Parameters of a submitted search form that are not part of the search.
_NOT_SEARCH = ("csrfmiddlewaretoken", "export", "page", SEARCH_PARAM)
_PRIVATE_KINDS = frozenset({SEARCH_ID, SEARCH_BAD_ID, SEARCH_MOBILE})


def is_private(text: str | None) -> bool:
    """Whether a search text names a person by number (ID number or mobile) and so must not be in a URL."""
    return classify_search(text or "")[0] in _PRIVATE_KINDS


def _key(token: str) -> str:
    return f"members:search:{token}"


def search_token_make(*, user, text: str) -> str:
    token = secrets.token_urlsafe(18)
    cache.set(_key(token), {"user": user.pk, "q": text}, TOKEN_TIMEOUT)
    return token


def search_token_read(*, user, token: str) -> str | None:
    """The search behind a token, if it is the user's own and has not expired."""
    if not token or len(token) > 64:
        return None
    entry = cache.get(_key(token))
    if not entry or entry.get("user") != user.pk:
        return None
    return entry["q"]


def shareable_query(user, params: QueryDict) -> QueryDict:
    """The search as it may appear in a URL: a private search text replaced by a token.

    A token the params already carry is kept when no new text replaces it (a page link followed
    from a token URL)."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key not in _NOT_SEARCH:
            query.setlist(key, list(values))
    text = query.get("q", "")
    if is_private(text):
        query.pop("q")
        query[SEARCH_PARAM] = search_token_make(user=user, text=text)
    elif not text.strip() and params.get(SEARCH_PARAM) and "q" not in params:
        query[SEARCH_PARAM] = params[SEARCH_PARAM]
    return query


def resolved_query(user, params: QueryDict) -> tuple[QueryDict, bool]:
    """The search as the filters read it: a token replaced by its text. The flag says that the
    params named a token that is unknown, expired or someone else's (then no search text is used)."""
    query = params.copy()
    token = query.pop(SEARCH_PARAM, [""])[-1]
    if not token or query.get("q", "").strip():
        return query, False
    text = search_token_read(user=user, token=token)
    if text is None:
        return query, True
    query["q"] = text
    return query, False
