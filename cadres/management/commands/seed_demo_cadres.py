"""``manage.py seed_demo_cadres``: the demo city's cadre corps (run by ``seed_demo`` after the city and
its accounts exist). Running it again adds nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from unions.models import Union

from ._demo_cadres import YOUNG_CADRE_ACCOUNT, ensure_cadres

CITY_NAME = "示范市总工会"


class Command(BaseCommand):
    help = "Give the demo city its cadres, classes, ledger, postings, task forces and assessments (once)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off. Never in production.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭：演示账号使用公开的密码，不能出现在生产环境。确需执行，请加 --force。\n"
                "DEBUG is off: demo accounts share a published password and must not reach production. "
                "Add --force only if you really mean it."
            )
        city = Union.objects.filter(depth=1, name=CITY_NAME).first()
        if city is None:
            raise CommandError("No demo city: run manage.py seed_demo first. 请先运行 seed_demo。")
        with transaction.atomic():
            written = ensure_cadres(city)
        if written:
            self.stdout.write("干部 Cadres: " + ", ".join(f"{key} {value}" for key, value in written.items()) + ".")
        else:
            self.stdout.write("干部 Cadres: the demo city has its cadres already; nothing added.")
        username, _name, mobile = YOUNG_CADRE_ACCOUNT
        self.stdout.write(f"{username} 是年轻干部，也可用手机号登录 is a young cadre, signs in by mobile too: {mobile}")
