"""What every page's navigation bar asks of the cadres app about the signed-in user, kept cheap.

Whether an account has a cadre record decides the "My cadre record" link, on every page of every
user who is not a cadre officer. The answer is looked up when the user signs in and kept in the cache
(forgotten when a service links or unlinks an account, and after ``CACHE_SECONDS`` in any case), so
that a page costs no query for it.
"""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver

from .models import Cadre

CACHE_SECONDS = 3600


def _key(user_id: int) -> str:
    return f"cadres:has_record:{user_id}"


def has_own_cadre_record(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_has_cadre_record", None)
    if cached is None:
        cached = cache.get(_key(user.pk))
        if cached is None:
            cached = Cadre.objects.filter(user_id=user.pk).exists()
            cache.set(_key(user.pk), cached, CACHE_SECONDS)
        user._has_cadre_record = cached
    return cached


def forget_cadre_record(*user_ids: int | None) -> None:
    """Call when accounts are linked to or unlinked from a cadre record."""
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if keys:
        cache.delete_many(keys)


@receiver(user_logged_in, dispatch_uid="cadres.navigation.remember_at_sign_in")
def _remember_at_sign_in(sender, request, user, **kwargs):
    cache.delete(_key(user.pk))
    has_own_cadre_record(user)
