"""Test data of the integrity app, made through the models (the services are what the tests test)."""

import datetime

import factory

from integrity.models import EducationSession, FourFormsEntry, OpinionLetter, Rectification, Talk


class TalkFactory(factory.django.DjangoModelFactory):
    """A filed routine integrity talk; pass ``cadre`` and ``recorder``."""

    class Meta:
        model = Talk

    kind = Talk.Kind.ROUTINE
    talker_name = "张书记"
    talker_post = "党组书记"
    held_on = datetime.date(2026, 3, 10)
    place = "党组会议室"
    reason = "年度例行廉政谈话"
    content = "强调中央八项规定精神，提醒严守廉洁纪律。"
    statement = "本人表示认真对照检查。"
    opinion = "希望继续保持。"
    status = Talk.Status.FILED
    filed_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC))


class RectificationFactory(factory.django.DjangoModelFactory):
    """An open item due at the end of April 2026; pass ``talk`` (its cadre is the talk's)."""

    class Meta:
        model = Rectification

    cadre = factory.SelfAttribute("talk.cadre")
    text = "按期提交书面检查，整改公务接待超标问题。"
    deadline = datetime.date(2026, 4, 30)


class EducationSessionFactory(factory.django.DjangoModelFactory):
    """A warning film shown by ``organiser``; pass ``created_by``."""

    class Meta:
        model = EducationSession

    kind = EducationSession.Kind.WARNING_FILM
    title = factory.Sequence(lambda n: f"警示教育片观看第{n}场")
    held_on = datetime.date(2026, 5, 20)


class OpinionLetterFactory(factory.django.DjangoModelFactory):
    """A request for a promotion, not yet issued; pass ``cadre`` and ``requested_by``."""

    class Meta:
        model = OpinionLetter

    purpose = OpinionLetter.Purpose.PROMOTION
    request_note = "拟提任副部长"


class FourFormsEntryFactory(factory.django.DjangoModelFactory):
    """A form-one criticism; pass ``cadre`` and ``created_by``."""

    class Meta:
        model = FourFormsEntry

    form = FourFormsEntry.Form.FIRST
    measure = FourFormsEntry.Measure.CRITICISM
    decided_on = datetime.date(2026, 6, 1)
    decision_ref = "东纪〔2026〕3号"
    note = "批评教育，责令改正。"
