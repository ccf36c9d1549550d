"""Test data: users, roles and union trees. Unions go through treebeard (add_root / add_child)."""

import datetime
import functools
import itertools
import random

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import User
from members.id_number import check_character as id_check_character
from unions.credit_code import ALPHABET, check_character
from unions.models import Role, Union

PASSWORD = "Test-pass-2026!"
_codes = itertools.count(1)


def credit_code(seed: int | None = None) -> str:
    """A valid, unique-per-call unified social credit code."""
    rng = random.Random(seed if seed is not None else next(_codes))
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        """Like ``set_password``, but each distinct password is hashed once per run.

        The real hasher (PBKDF2, hundreds of thousands of rounds) costs about 0.3 s per call; the
        scope property test makes hundreds of users. The stored hash is a genuine one for the
        password, so signing in with it works exactly as in production.
        """
        raw = PASSWORD if extracted is None else extracted
        obj.password = _password_hash(raw)
        if create:
            obj.save()


@functools.cache
def _password_hash(raw: str) -> str:
    return make_password(raw)


def make_city(name: str = "测试市总工会") -> Union:
    return Union.objects.add_root({"kind": Union.Kind.CITY_FEDERATION, "name": name})


def make_child(parent: Union, kind: str, name: str | None = None, **fields) -> Union:
    name = name or f"{parent.name}-{Union.Kind(kind).label}-{Union.objects.get_children_count(parent) + 1}"
    child = Union.objects.add_child(parent, {"kind": kind, "name": name, **fields})
    parent.refresh_from_db()
    return child


def grant(user: User, union: Union, kind: str) -> Role:
    return Role.objects.create(user=user, union=union, kind=kind)


def staff(kind: str, union: Union, **user_fields) -> User:
    user = UserFactory(**user_fields)
    grant(user, union, kind)
    return user


_people = itertools.count(1)


def id_number(born: datetime.date | None = None, region: str = "110105") -> str:
    """A valid resident ID number, different on every call in a test run."""
    n = next(_people)
    born = born or datetime.date(1970, 1, 1) + datetime.timedelta(days=n * 37 % 12000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + id_check_character(body)
