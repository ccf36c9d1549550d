"""The cadre's own hub (my/cadre/, phone-first): the record, this year's hours, classes and what to do.
The cadre is found through the signed-in account, never through an id in the address."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ... import ledger
from ...models import Enrolment
from ...permissions import own_cadre
from .classes import url_if_any


# --- the cadre's own hub -------------------------------------------------------------------------
def _hours_this_year(cadre, year: int) -> dict:
    """This year's owed / done / short from the ledger; without a rule for the rank, the hours done only."""
    rows = ledger.cadre_years(cadre, [year])
    if rows:
        row = rows[0]
        return {
            "owed": row.owed,
            "done": row.done,
            "counted": row.counted,
            "short": row.short,
            "period_years": row.period_years,
        }
    done = sum(
        (
            e.credited_hours
            for e in cadre.enrolments.filter(status=Enrolment.Status.COMPLETED, training_class__ends_on__year=year)
        ),
        Decimal(0),
    )
    return {"owed": None, "done": done, "counted": done, "short": None, "period_years": 1}


def _task(label, url: str, *, note: str = "", icon: str = "bi-check2-square") -> dict:
    return {"label": label, "url": url, "note": note, "icon": icon}


def _my_tasks(cadre) -> list[dict]:
    """What the cadre has to do, linking to the pages of the parts that own them; a page that does not
    exist yet is left out rather than linked broken."""
    tasks = []
    if link := url_if_any("reports:cadre_pdf", cadre.pk):
        tasks.append(_task(_("My cadre information form (PDF)"), link, icon="bi-file-earmark-pdf"))
    if link := url_if_any("cadres:my_external_create"):
        tasks.append(_task(_("File training taken elsewhere"), link, icon="bi-journal-plus"))
    for item in cadre.external_trainings.order_by("-filed_at", "-pk")[:5]:
        if link := url_if_any("cadres:my_external_detail", item.pk):
            tasks.append(_task(item.title, link, note=item.get_status_display(), icon="bi-journal-check"))
    open_postings = ["active", "report_due"]
    for secondment in cadre.secondments.filter(status__in=open_postings, report_submitted_at__isnull=True)[:5]:
        if link := url_if_any("cadres:my_secondment", secondment.pk):
            note = secondment.host_name
            if secondment.report_due_on:
                note += " · " + _("due %(day)s") % {"day": secondment.report_due_on.isoformat()}
            tasks.append(_task(_("Secondment report"), link, note=note, icon="bi-briefcase"))
    stays = cadre.stays.select_related("union").filter(status__in=open_postings, report_submitted_at__isnull=True)
    for stay in stays[:5]:
        if link := url_if_any("cadres:my_stay", stay.pk):
            note = stay.unit_name
            if stay.report_due_on:
                note += " · " + _("due %(day)s") % {"day": stay.report_due_on.isoformat()}
            tasks.append(_task(_("Research report of the grassroots stay"), link, note=note, icon="bi-house"))
    for force in cadre.task_forces_led.exclude(status="closed").order_by("-pk")[:5]:
        if link := url_if_any("cadres:my_task_force", force.pk):
            tasks.append(_task(_("Task force I lead"), link, note=force.name, icon="bi-people"))
    for assessment in cadre.assessments.order_by("-year", "-pk")[:2]:
        if link := url_if_any("cadres:my_assessment", assessment.pk):
            label = _("Yearly assessment %(year)s") % {"year": assessment.year}
            tasks.append(_task(label, link, note=assessment.get_status_display(), icon="bi-award"))
    return tasks


@never_cache
@login_required
def my_home(request):
    """The cadre's own page (phone-first): the record, this year's hours, classes, and what to do."""
    cadre = own_cadre(request.user)
    if cadre is None:
        raise Http404
    today = timezone.localdate()
    upcoming = list(
        cadre.enrolments.filter(status=Enrolment.Status.ENROLLED, training_class__ends_on__gte=today)
        .select_related("training_class__organiser")
        .order_by("training_class__starts_on", "pk")[:10]
    )
    done = list(
        cadre.enrolments.filter(status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN])
        .select_related("training_class")
        .order_by("-training_class__ends_on", "-pk")[:10]
    )
    context = {
        "cadre": cadre,
        "year": today.year,
        "today": today,
        "hours": _hours_this_year(cadre, today.year),
        "upcoming": upcoming,
        "done": done,
        "tasks": _my_tasks(cadre),
    }
    return render(request, "cadres/training/my_home.html", context)
