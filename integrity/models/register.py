"""The four-forms register (四种形态): each use of a form of supervision on a cadre.

Form one is the talks and criticism that correct early (its measures are also named on reminder and
admonishment talks); forms two to four are disciplinary. An entry keeps the measure, the date and the
decision's reference (文号); its note is encrypted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre

from ..fields import EncryptedTextField
from .talks import Talk


class FourFormsEntry(models.Model):
    class Form(models.IntegerChoices):
        FIRST = 1, _("First form")  # 第一种形态
        SECOND = 2, _("Second form")  # 第二种形态
        THIRD = 3, _("Third form")  # 第三种形态
        FOURTH = 4, _("Fourth form")  # 第四种形态

    class Measure(models.TextChoices):
        # Form one.
        TALK_REMINDER = "talk_reminder", _("Reminder by talk")  # 谈话提醒
        CRITICISM = "criticism", _("Criticism and education")  # 批评教育
        ORDERED_REVIEW = "ordered_review", _("Ordered to write a self-examination")  # 责令检查
        ADMONISHMENT = "admonishment", _("Admonishment")  # 诫勉
        # Form two.
        LIGHT_SANCTION = "light_sanction", _("Light party or government sanction")  # 轻处分
        ORGANISATIONAL_ADJUSTMENT = "org_adjustment", _("Organisational adjustment")  # 组织调整
        # Form three.
        HEAVY_SANCTION = "heavy_sanction", _("Heavy party or government sanction")  # 重处分
        MAJOR_DEMOTION = "major_demotion", _("Major adjustment of post")  # 重大职务调整
        # Form four.
        CASE_FILED = "case_filed", _("Case filed for serious violation, suspected crime")  # 严重违纪涉嫌违法立案审查

    # Which measures belong to which form: an entry naming a measure of another form is refused.
    MEASURES_OF_FORM = {
        Form.FIRST: (Measure.TALK_REMINDER, Measure.CRITICISM, Measure.ORDERED_REVIEW, Measure.ADMONISHMENT),
        Form.SECOND: (Measure.LIGHT_SANCTION, Measure.ORGANISATIONAL_ADJUSTMENT),
        Form.THIRD: (Measure.HEAVY_SANCTION, Measure.MAJOR_DEMOTION),
        Form.FOURTH: (Measure.CASE_FILED,),
    }

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    form = models.PositiveSmallIntegerField(_("form"), choices=Form.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    decided_on = models.DateField(_("decided on"))
    decision_ref = models.CharField(_("decision reference"), max_length=60, blank=True)  # 文号
    note = EncryptedTextField(_("note"), blank=True)
    # The talk the entry came from, for form one taken in a talk.
    talk = models.ForeignKey(
        Talk, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("talk")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("four-forms entry")
        verbose_name_plural = _("four-forms register")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["form", "decided_on"], name="integrity_forms_form_day")]

    def __str__(self) -> str:
        return f"{_('Four-forms entry')} #{self.pk}"
