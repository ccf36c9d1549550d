"""Nothing of the integrity app in the Django admin, and a superuser through the portal sees none of it.

The admin would show a record's content to whoever reaches it (issue 15: "not the Django admin ... not a
superuser through the portal"): no integrity model is registered, none is an inline of another model's
page, the admin knows no integrity URL; and a superuser without a portal role gets 404 on every
integrity page (the requester's own pages show them nothing, having asked for nothing).
"""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from ..factories import UserFactory
from .test_visibility_property import INTEGRITY_URLS, REQUESTER_PAGES, one_of_each_kind


def is_integrity(model) -> bool:
    return model._meta.app_label == "integrity"


def test_no_integrity_model_is_registered_in_the_admin():
    registered = [model._meta.label for model in admin.site._registry if is_integrity(model)]
    assert registered == []


def test_no_admin_page_shows_integrity_records_inline():
    inlines = [
        f"{model._meta.label}: {inline.model._meta.label}"
        for model, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if is_integrity(inline.model)
    ]
    assert inlines == []


def test_the_admin_has_no_page_for_the_integrity_app():
    with pytest.raises(NoReverseMatch):
        reverse("admin:app_list", kwargs={"app_label": "integrity"})
    for name in ("talk", "rectification", "opinionletter", "fourformsentry"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:integrity_{name}_changelist")


@pytest.mark.django_db
def test_a_superuser_without_a_portal_role_gets_404_on_every_integrity_page(client, tree):
    officer = UserFactory()
    _, records = one_of_each_kind(tree["s1"], officer)
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    secrets = [s for r in records for s in (r.label, *r.secrets) if s]
    assert secrets
    pks = {r.kind: r.pk for r in records}
    answers = {}
    for url in INTEGRITY_URLS:
        path = reverse(url.name, kwargs={url.argument: pks[url.kind]}) if url.kind else reverse(url.name)
        for method in ["get", "post"] if url.takes_post else ["get"]:
            response = getattr(client, method)(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            page = body.decode(errors="replace")
            assert [s for s in secrets if s in page] == [], f"{method.upper()} {url.name}"
            answers[f"{method.upper()} {url.name}"] = response.status_code
    assert answers, "the integrity pages are found"
    # 405: a method the page never takes is refused before anything is looked up, for everyone alike.
    wrong = {
        page: status
        for page, status in answers.items()
        if status not in {404, 405} and not (page.split()[1] in REQUESTER_PAGES and status in {200, 403})
    }
    assert wrong == {}
