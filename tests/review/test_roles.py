"""The four roles exist with exactly the permissions of the matrix in docs/editor-guide.md, and
the "Clinical review" workflow covers the whole site."""

import io

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Page, Workflow, WorkflowPage

from review.models import ClinicalReviewTask, PlainWord, PublishTask, StaffProfile
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

SNIPPETS = ["faq", "faqtopic", "glossaryterm", "reference"]
REVIEWED_SNIPPETS = ["faq", "glossaryterm", "reference"]


def crud(models: list[str], actions: tuple[str, ...]) -> set[str]:
    return {f"{action}_{model}" for model in models for action in actions}


EXPECTED_MODEL_PERMISSIONS = {
    "Editors": {"access_admin"}
    | crud(SNIPPETS, ("add", "change", "view"))
    | crud(REVIEWED_SNIPPETS, ("lock",))
    | crud(["plainword"], ("add", "change", "view")),
    "Clinical reviewers": {"access_admin"} | crud(SNIPPETS, ("view",)) | crud(["plainword"], ("add", "change", "view")),
    "Publishers": {"access_admin", "change_portalsettings"}
    | crud(SNIPPETS, ("add", "change", "delete", "view"))
    | crud(REVIEWED_SNIPPETS, ("publish", "lock", "unlock"))
    | crud(["plainword", "redirect"], ("add", "change", "delete", "view")),
    "Site administrators": {"access_admin", "change_portalsettings", "change_reviewsettings"}
    | crud(SNIPPETS, ("add", "change", "delete", "view"))
    | crud(REVIEWED_SNIPPETS, ("publish", "lock", "unlock"))
    | crud(["plainword", "staffprofile", "redirect", "user", "group"], ("add", "change", "delete", "view"))
    | crud(["site", "workflow", "task"], ("add", "change", "delete")),
}
EXPECTED_PAGE_PERMISSIONS = {
    "Editors": {"add_page", "change_page", "lock_page"},
    "Clinical reviewers": set(),
    "Publishers": {"add_page", "change_page", "lock_page", "unlock_page", "publish_page", "bulk_delete_page"},
    "Site administrators": {"add_page", "change_page", "lock_page", "unlock_page", "publish_page", "bulk_delete_page"},
}
EXPECTED_COLLECTION_PERMISSIONS = {
    "Editors": crud(["image", "document"], ("add", "change", "choose")),
    "Clinical reviewers": {"choose_image", "choose_document"},
    "Publishers": crud(["image", "document"], ("add", "change", "delete", "choose")),
    "Site administrators": crud(["image", "document"], ("add", "change", "delete", "choose"))
    | crud(["collection"], ("add", "change", "delete")),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_MODEL_PERMISSIONS))
def test_each_role_has_exactly_its_permissions(name):
    group = Group.objects.get(name=name)
    root = Page.get_first_root_node()
    assert set(group.permissions.values_list("codename", flat=True)) == EXPECTED_MODEL_PERMISSIONS[name]
    page_permissions = group.page_permissions.all()
    assert {p.permission.codename for p in page_permissions} == EXPECTED_PAGE_PERMISSIONS[name]
    assert all(p.page_id == root.pk for p in page_permissions)
    collection_permissions = group.collection_permissions.all()
    assert {p.permission.codename for p in collection_permissions} == EXPECTED_COLLECTION_PERMISSIONS[name]
    assert all(p.collection.depth == 1 for p in collection_permissions)


def test_wagtails_moderators_group_is_gone_and_the_four_roles_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert "Moderators" not in names
    assert set(EXPECTED_MODEL_PERMISSIONS) <= names
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()


def test_clinical_review_workflow_covers_every_page():
    workflow = Workflow.objects.get(name="Clinical review")
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow == workflow
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [ClinicalReviewTask, PublishTask]
    assert set(tasks[0].groups.values_list("name", flat=True)) == {"Clinical reviewers", "Bilingual clinical reviewers"}
    assert set(tasks[1].groups.values_list("name", flat=True)) == {"Publishers", "Site administrators"}
    hub = factories.SectionPageFactory()
    for page in [page_at("/"), hub, factories.TherapyTypePageFactory(parent=hub), factories.ArticlePageFactory()]:
        assert page.get_workflow() == workflow


def test_plain_words_are_seeded():
    assert PlainWord.objects.get(word="administer").alternative == "give"
    assert PlainWord.objects.get(word="commence").alternative == "start"
    assert PlainWord.objects.count() >= 20


def test_create_staff_user_creates_a_user_in_a_role():
    out = io.StringIO()
    call_command(
        "create_staff_user",
        "nina",
        role="reviewer",
        email="nina@example.org",
        first_name="Nina",
        last_name="Nkosi",
        job_title="Oncology pharmacist",
        stdout=out,
    )
    user = get_user_model().objects.get(username="nina")
    assert list(user.groups.values_list("name", flat=True)) == ["Clinical reviewers"]
    assert not user.is_superuser
    assert StaffProfile.objects.get(user=user).job_title == "Oncology pharmacist"
    password = out.getvalue().split("Password (shown once; ask them to change it): ")[1].strip()
    assert user.check_password(password)


def test_create_staff_user_reads_a_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret-phrase-9\n"))
    out = io.StringIO()
    call_command("create_staff_user", "pat", role="publisher", email="pat@example.org", password_stdin=True, stdout=out)
    user = get_user_model().objects.get(username="pat")
    assert user.check_password("a-long-secret-phrase-9")
    assert "Password" not in out.getvalue()
    # A second role is added, not swapped.
    call_command("create_staff_user", "pat", role="editor", email="pat@example.org", stdout=io.StringIO())
    assert set(user.groups.values_list("name", flat=True)) == {"Publishers", "Editors"}


def test_create_staff_user_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError):
        call_command("create_staff_user", "weak", role="editor", email="w@example.org", password_stdin=True)
    assert not get_user_model().objects.filter(username="weak").exists()
