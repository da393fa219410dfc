"""FAQs, glossary terms and references go through the "Clinical review" workflow like pages.

The workflow is assigned to the three snippet types, and the roles that publish pages get the
snippets' publish, lock and unlock permissions (Editors save drafts and submit them; Publishers
publish a signed-off version, or take one down). An urgent-correction record may now be about a
snippet, so its page is optional.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

roles = importlib.import_module("review.migrations.0002_roles_and_clinical_review_workflow")

REVIEWED_SNIPPETS = ["faq", "glossaryterm", "reference"]
SNIPPET_PERMISSIONS = {
    roles.EDITORS: ["lock"],
    roles.PUBLISHERS: ["publish", "lock", "unlock"],
    roles.ADMINISTRATORS: ["publish", "lock", "unlock"],
}


def _snippet_permissions(apps):
    Group = apps.get_model("auth", "Group")
    for group_name, actions in SNIPPET_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for model in REVIEWED_SNIPPETS:
            for action in actions:
                yield group, roles._permission(apps, "education", model, action)


def assign_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    workflow = Workflow.objects.filter(name=roles.WORKFLOW_NAME).first()
    if workflow is not None:
        for model in REVIEWED_SNIPPETS:
            content_type, _ = ContentType.objects.get_or_create(app_label="education", model=model)
            WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": workflow})
    for group, permission in _snippet_permissions(apps):
        group.permissions.add(permission)


def unassign_workflow(apps, schema_editor):
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__app_label="education", content_type__model__in=REVIEWED_SNIPPETS
    ).delete()
    for group, permission in _snippet_permissions(apps):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_unreviewed_publish"),
        ("education", "0004_snippets_under_clinical_review"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="unreviewedpublish",
            name="page",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.WAGTAIL_PAGE_MODEL,
            ),
        ),
        migrations.RunPython(assign_workflow, unassign_workflow),
    ]
