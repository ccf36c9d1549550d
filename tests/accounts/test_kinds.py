"""Audit actions and reminder kinds are declared by the app that emits them and registered with labels."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import audit
from accounts import kinds as accounts_kinds
from accounts.kinds import KindRegistry, audit_actions, reminder_kinds
from accounts.models import AuditEvent
from members import kinds as members_kinds
from tests.factories import UserFactory
from unions import kinds as unions_kinds

# An action of an app that has since been removed: nobody registers it any more.
GONE = "petitions.petition_signed"


def test_each_app_registers_its_own_audit_actions_with_chinese_labels():
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in audit_actions.choices()}

    assert labels[accounts_kinds.LOGIN] == "登录"
    assert labels[unions_kinds.UNION_MOVED] == "调整隶属关系"
    assert labels[members_kinds.APPLICATION_APPROVED] == "入会申请通过"
    assert labels[members_kinds.ROSTER_ERRORS_DOWNLOADED] == "下载导入错误文件"
    for module in (accounts_kinds, unions_kinds, members_kinds):
        assert set(module.AUDIT_ACTIONS) <= set(labels)


def test_every_registered_value_is_named_after_an_installed_app():
    installed = {config.label for config in apps.get_app_configs()}
    for value in audit_actions.values() | reminder_kinds.values():
        app_label, _dot, name = value.partition(".")
        assert app_label in installed and name, value


def test_the_members_reminders_are_registered_with_chinese_labels():
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in reminder_kinds.choices() if value.startswith("members.")}

    assert labels == {
        members_kinds.REMINDER_APPLICATION_PENDING: "本工会待审批的入会申请",
        members_kinds.REMINDER_APPLICATION_ESCALATED: "下级工会逾期未审批的入会申请",
        members_kinds.REMINDER_TRANSFER_WAITING: "待本工会办理的转会申请",
    }


def test_an_unknown_value_displays_as_itself():
    assert audit_actions.label(GONE) == GONE
    assert GONE not in audit_actions
    assert AuditEvent(action=GONE).action_label == GONE


def test_an_app_may_register_only_values_in_its_own_namespace():
    registry = KindRegistry("Audit action")
    registry.register("unions", {"unions.union_created": "x"})

    with pytest.raises(ImproperlyConfigured):
        registry.register("members", {"union_created": "x"})
    with pytest.raises(ImproperlyConfigured):
        registry.register("members", {"unions.union_created": "x"})
    with pytest.raises(ImproperlyConfigured):
        registry.register("members", {"members." + "x" * 60: "x"})
    # registering again (a second ready()) changes nothing
    registry.register("unions", {"unions.union_created": "x"})
    assert registry.choices() == [("unions.union_created", "x")]


# --- pages --------------------------------------------------------------------------------------


def test_the_audit_list_shows_labels_in_chinese_and_a_removed_app_s_action_raw(client, tree, city_admin):
    audit.record(members_kinds.ROSTER_EXPORTED, actor=city_admin, union=tree["g1"])
    audit.record(GONE, actor=city_admin)
    client.force_login(city_admin)

    response = client.get(reverse("unions:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    body = response.content.decode()
    assert '<td class="nowrap">导出花名册</td>' in body
    assert f'<td class="nowrap">{GONE}</td>' in body
    # the filter offers every app's actions by their labels
    assert f'<option value="{members_kinds.APPLICATION_APPROVED}">入会申请通过</option>' in body
    assert f'<option value="{unions_kinds.ROLE_GRANTED}">' in body


def test_the_audit_list_filters_by_a_registered_action_and_refuses_an_unknown_one(client, tree, city_admin):
    exported = audit.record(members_kinds.ROSTER_EXPORTED, actor=city_admin, union=tree["g1"])
    audit.record(members_kinds.ROSTER_ERRORS_DOWNLOADED, actor=city_admin, union=tree["g1"])
    client.force_login(city_admin)
    url = reverse("unions:audit")

    listed = client.get(url, {"action": members_kinds.ROSTER_EXPORTED}).context["page"].object_list
    refused = client.get(url, {"action": GONE})

    assert list(listed) == [exported]
    assert refused.status_code == 200
    assert "action" in refused.context["filter"].form.errors


def test_the_admin_lists_and_shows_an_event_by_its_label_or_its_raw_value(db):
    root = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(root, generate_totp_secret())
    client = Client()
    client.force_login(root)
    known = audit.record(unions_kinds.UNION_CLOSED, actor=root)
    gone = audit.record(GONE, actor=root)

    listing = client.get(reverse("admin:accounts_auditevent_changelist"))
    filtered = client.get(reverse("admin:accounts_auditevent_changelist"), {"action": GONE})
    shown = client.get(reverse("admin:accounts_auditevent_change", args=[gone.pk]))

    assert listing.status_code == 200 and shown.status_code == 200
    text = listing.content.decode()
    assert "撤销工会" in text and GONE in text
    assert list(filtered.context["cl"].result_list) == [gone]
    assert GONE in shown.content.decode()
    with translation.override("en"):
        assert known.action_label == "Union closed"


def test_the_cadres_reminders_and_audit_actions_have_chinese_labels():
    import re

    with translation.override("zh-hans"):
        labels = [
            str(label)
            for value, label in [*reminder_kinds.choices(), *audit_actions.choices()]
            if value.startswith("cadres.")
        ]

    assert len(labels) > 20
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels
