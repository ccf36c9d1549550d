"""What every page's navigation bar asks of the campaigns app about the signed-in user, kept cheap.

Any account may be a judge, so whether it judges anything decides the "My judging" link on every page
of every user. The answer is looked up when the user signs in and kept in the cache (forgotten when a
judge is assigned or removed, and after ``CACHE_SECONDS`` in any case), so that a page costs no query
for it; the same as ``cadres.navigation`` does for a cadre's own record.
"""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver

from .models import Judge

CACHE_SECONDS = 3600


def _key(user_id: int) -> str:
    return f"campaigns:is_judge:{user_id}"


def is_judge(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_is_judge", None)
    if cached is None:
        cached = cache.get(_key(user.pk))
        if cached is None:
            cached = Judge.objects.filter(user_id=user.pk).exists()
            cache.set(_key(user.pk), cached, CACHE_SECONDS)
        user._is_judge = cached
    return cached


def forget_judging(*user_ids: int | None) -> None:
    """Call when judges are assigned or removed."""
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if keys:
        cache.delete_many(keys)


@receiver(user_logged_in, dispatch_uid="campaigns.navigation.remember_at_sign_in")
def _remember_at_sign_in(sender, request, user, **kwargs):
    cache.delete(_key(user.pk))
    is_judge(user)
