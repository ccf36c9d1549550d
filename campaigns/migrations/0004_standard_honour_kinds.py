"""The honours a city federation confers, with their evidence checklists and model workers' care, as the
published notices describe them; federations edit them on the kinds page."""

from django.db import migrations

KINDS = [
    # name, category, grants care, exclusion years, checklist, care (kind, amount, hardship only)
    ("劳动模范", "individual", True, 5,
     ["推荐审批表（盖章）", "个人先进事迹材料", "近两年荣誉证书复印件", "所在单位意见"],
     [("health_check", None, False), ("recuperation", None, False), ("spring_festival_visit", "1000.00", False),
      ("may_day_visit", "500.00", False), ("national_day_visit", "500.00", False),
      ("hardship_allowance", "3000.00", True)]),
    ("五一劳动奖章", "individual", False, 5,
     ["推荐审批表（盖章）", "个人先进事迹材料", "所在单位意见"], []),
    ("五一劳动奖状", "unit", False, 5,
     ["推荐审批表（盖章）", "单位先进事迹材料", "安全生产、环保、纳税、社保证明"], []),
    ("工人先锋号", "team", False, 3,
     ["推荐审批表（盖章）", "集体先进事迹材料", "班组成员名单"], []),
    ("工匠", "individual", True, 5,
     ["推荐审批表（盖章）", "个人先进事迹材料", "技能等级或职称证书", "技术成果证明"],
     [("health_check", None, False), ("spring_festival_visit", "800.00", False)]),
    ("劳模创新工作室", "studio", False, 3,
     ["推荐审批表（盖章）", "工作室创新成果材料", "工作室成员名单", "依托单位意见"], []),
]


def add_kinds(apps, schema_editor):
    HonourKind = apps.get_model("campaigns", "HonourKind")
    EvidenceItem = apps.get_model("campaigns", "EvidenceItem")
    CareEntitlement = apps.get_model("campaigns", "CareEntitlement")
    for order, (name, category, care, years, checklist, entitlements) in enumerate(KINDS, start=1):
        kind, created = HonourKind.objects.get_or_create(
            name=name,
            defaults={"category": category, "grants_care": care, "exclusion_years": years, "order": order},
        )
        if not created:
            continue
        for position, label in enumerate(checklist, start=1):
            EvidenceItem.objects.create(kind=kind, order=position, label=label, required=True)
        for care_kind, amount, hardship_only in entitlements:
            CareEntitlement.objects.create(kind=kind, care=care_kind, amount=amount, hardship_only=hardship_only)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_honours")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
