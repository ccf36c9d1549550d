"""Default schedules of periodic tasks (django-celery-beat), written by each app's migrations.

An app's migration names its task, the crontab and what the task does; ``DefaultSchedule`` creates
the row once (found by name: a database that has it, perhaps with a time staff changed in the admin,
keeps it as it is) and removes it on the way back, with its crontab when nothing else uses it. The
functions take the migration's historical ``apps``, so later changes to the models do not reach back
into old migrations.
"""

from dataclasses import dataclass, field

TIMEZONE = "Asia/Shanghai"
DAILY = {"day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    # minute and hour, and the day fields when the task does not run every day
    crontab: dict = field(default_factory=dict)
    description: str = ""
    # A run that has not started within this time is dropped: the next run catches up.
    expire_seconds: int = 3600

    @property
    def _crontab(self) -> dict:
        return {**DAILY, **self.crontab}

    def create(self, apps, schema_editor) -> None:
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        if PeriodicTask.objects.filter(name=self.name).exists():
            return
        crontab = CrontabSchedule.objects.filter(timezone=TIMEZONE, **self._crontab).first()
        if crontab is None:
            crontab = CrontabSchedule.objects.create(timezone=TIMEZONE, **self._crontab)
        PeriodicTask.objects.create(
            name=self.name,
            task=self.task,
            crontab=crontab,
            enabled=True,
            description=self.description,
            expire_seconds=self.expire_seconds,
        )

    def remove(self, apps, schema_editor) -> None:
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        PeriodicTask.objects.filter(name=self.name).delete()
        CrontabSchedule.objects.filter(timezone=TIMEZONE, periodictask__isnull=True, **self._crontab).delete()
