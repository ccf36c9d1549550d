"""Test data of the cadres app: cadres and training classes, made through the models."""

import datetime
import itertools
from decimal import Decimal

import factory

from cadres.models import Cadre, TrainingClass

_mobiles = itertools.count(1)


class CadreFactory(factory.django.DjangoModelFactory):
    """A cadre in post; pass ``union`` (required), and ``user`` to give them an account."""

    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n:03d}")
    sex = "F"
    birth_date = datetime.date(1980, 5, 1)
    mobile = factory.LazyFunction(lambda: f"136{next(_mobiles):08d}")
    post = "组织部部长"
    rank = "township_section"
    employment = "full_time"
    political_status = "cpc_member"
    education = "bachelor"
    in_post_since = datetime.date(2018, 3, 1)


class TrainingClassFactory(factory.django.DjangoModelFactory):
    """A class of 14 credit hours over two days; pass ``organiser`` and ``created_by``."""

    class Meta:
        model = TrainingClass

    title = factory.Sequence(lambda n: f"工会干部培训班第{n}期")
    category = "union_work"
    mode = "in_person"
    starts_on = datetime.date(2026, 9, 14)
    ends_on = datetime.date(2026, 9, 15)
    credit_hours = Decimal("14.0")
