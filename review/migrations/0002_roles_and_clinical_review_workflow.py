"""The four staff roles with exact permissions, the "Clinical review" workflow on the whole site,
and a starting list of plainer words.

Wagtail's own migrations create two groups: "Editors" (reused here: its permissions are replaced
with this portal's) and "Moderators" (removed: it could publish without clinical sign-off). Its
"Moderators approval" workflow is replaced by "Clinical review" on the root page, so every page
of every site uses it.

The permissions are written out here rather than imported, so that this migration keeps doing
the same thing whatever the code later says.
"""

from django.db import migrations

SNIPPETS = [("education", "faq"), ("education", "faqtopic"), ("education", "glossaryterm"), ("education", "reference")]

EDITORS = "Editors"
REVIEWERS = "Clinical reviewers"
PUBLISHERS = "Publishers"
ADMINISTRATORS = "Site administrators"

# Model-level permissions: (app_label, model, action).
MODEL_PERMISSIONS = {
    EDITORS: [
        ("wagtailadmin", "admin", "access"),
        *[(app, model, action) for app, model in SNIPPETS for action in ("add", "change", "view")],
        *[("review", "plainword", action) for action in ("add", "change", "view")],
    ],
    REVIEWERS: [
        ("wagtailadmin", "admin", "access"),
        *[(app, model, "view") for app, model in SNIPPETS],
        *[("review", "plainword", action) for action in ("add", "change", "view")],
    ],
    PUBLISHERS: [
        ("wagtailadmin", "admin", "access"),
        *[(app, model, action) for app, model in SNIPPETS for action in ("add", "change", "delete", "view")],
        *[("review", "plainword", action) for action in ("add", "change", "delete", "view")],
        ("education", "portalsettings", "change"),
        *[("wagtailredirects", "redirect", action) for action in ("add", "change", "delete", "view")],
    ],
    ADMINISTRATORS: [
        ("wagtailadmin", "admin", "access"),
        *[(app, model, action) for app, model in SNIPPETS for action in ("add", "change", "delete", "view")],
        *[("review", "plainword", action) for action in ("add", "change", "delete", "view")],
        *[("review", "staffprofile", action) for action in ("add", "change", "delete", "view")],
        ("education", "portalsettings", "change"),
        ("review", "reviewsettings", "change"),
        *[("wagtailredirects", "redirect", action) for action in ("add", "change", "delete", "view")],
        *[("auth", "user", action) for action in ("add", "change", "delete", "view")],
        *[("auth", "group", action) for action in ("add", "change", "delete", "view")],
        *[("wagtailcore", "site", action) for action in ("add", "change", "delete")],
        *[("wagtailcore", "workflow", action) for action in ("add", "change", "delete")],
        *[("wagtailcore", "task", action) for action in ("add", "change", "delete")],
    ],
}

# Page permissions on the root page, so they cover every site.
PAGE_PERMISSIONS = {
    EDITORS: ["add", "change", "lock"],
    REVIEWERS: [],
    PUBLISHERS: ["add", "change", "lock", "unlock", "publish", "bulk_delete"],
    ADMINISTRATORS: ["add", "change", "lock", "unlock", "publish", "bulk_delete"],
}

# Image, document and collection permissions on the root collection.
COLLECTION_PERMISSIONS = {
    EDITORS: [
        *[("wagtailimages", "image", action) for action in ("add", "change", "choose")],
        *[("wagtaildocs", "document", action) for action in ("add", "change", "choose")],
    ],
    REVIEWERS: [("wagtailimages", "image", "choose"), ("wagtaildocs", "document", "choose")],
    PUBLISHERS: [
        *[("wagtailimages", "image", action) for action in ("add", "change", "delete", "choose")],
        *[("wagtaildocs", "document", action) for action in ("add", "change", "delete", "choose")],
    ],
    ADMINISTRATORS: [
        *[("wagtailimages", "image", action) for action in ("add", "change", "delete", "choose")],
        *[("wagtaildocs", "document", action) for action in ("add", "change", "delete", "choose")],
        *[("wagtailcore", "collection", action) for action in ("add", "change", "delete")],
    ],
}

WORKFLOW_NAME = "Clinical review"
SIGN_OFF_TASK = ("clinicalreviewtask", "Clinical sign-off", [REVIEWERS])
PUBLISH_TASK = ("publishtask", "Publish", [PUBLISHERS, ADMINISTRATORS])

PLAIN_WORDS = [
    ("additional", "more, extra"),
    ("administer", "give"),
    ("adverse", "harmful, bad"),
    ("approximately", "about"),
    ("assist", "help"),
    ("commence", "start"),
    ("consume", "eat, drink"),
    ("demonstrate", "show"),
    ("discontinue", "stop"),
    ("facilitate", "help, make easier"),
    ("in order to", "to"),
    ("indicate", "show"),
    ("inform", "tell"),
    ("initiate", "start"),
    ("medication", "medicine"),
    ("numerous", "many"),
    ("obtain", "get"),
    ("prior to", "before"),
    ("regarding", "about"),
    ("require", "need"),
    ("subsequently", "later, then"),
    ("sufficient", "enough"),
    ("terminate", "end, stop"),
    ("utilise", "use"),
]


def _permission(apps, app_label, model, action):
    """The Permission row, created if Django's post-migrate step has not made it yet."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    codename = f"{action}_{model}"
    try:
        verbose_name = apps.get_model(app_label, model)._meta.verbose_name_raw
    except LookupError:
        verbose_name = model
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {action.replace('_', ' ')} {verbose_name}"[:255]},
    )
    return permission


def _set_group_permissions(apps, group, root_page, root_collection):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group.permissions.set([_permission(apps, *spec) for spec in MODEL_PERMISSIONS[group.name]])

    GroupPagePermission.objects.filter(group=group).delete()
    for action in PAGE_PERMISSIONS[group.name]:
        GroupPagePermission.objects.create(
            group=group, page=root_page, permission=_permission(apps, "wagtailcore", "page", action)
        )

    GroupCollectionPermission.objects.filter(group=group).delete()
    for spec in COLLECTION_PERMISSIONS[group.name]:
        GroupCollectionPermission.objects.create(
            group=group, collection=root_collection, permission=_permission(apps, *spec)
        )


def _create_task(apps, model_name, name, groups):
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaskModel = apps.get_model("review", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="review", model=model_name)
    task = TaskModel.objects.filter(name=name).first() or TaskModel.objects.create(
        name=name, content_type=content_type, active=True
    )
    task.groups.set(groups)
    return task


def _retire_moderators(apps):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")

    for workflow in Workflow.objects.filter(name="Moderators approval"):
        if WorkflowState.objects.filter(workflow=workflow).exists():
            # Keep its history; it can no longer be started.
            workflow.active = False
            workflow.save(update_fields=["active"])
        else:
            workflow.delete()
    for task in Task.objects.filter(name="Moderators approval"):
        if task.task_states.exists():
            task.active = False
            task.save(update_fields=["active"])
        else:
            task.delete()
    Group.objects.filter(name="Moderators").delete()


def create_roles_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    PlainWord = apps.get_model("review", "PlainWord")

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)

    groups = {}
    for name in (EDITORS, REVIEWERS, PUBLISHERS, ADMINISTRATORS):
        groups[name], _ = Group.objects.get_or_create(name=name)
        _set_group_permissions(apps, groups[name], root_page, root_collection)

    _retire_moderators(apps)

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first() or Workflow.objects.create(
        name=WORKFLOW_NAME, active=True
    )
    WorkflowTask.objects.filter(workflow=workflow).delete()
    for order, (model_name, task_name, group_names) in enumerate((SIGN_OFF_TASK, PUBLISH_TASK)):
        task = _create_task(apps, model_name, task_name, [groups[name] for name in group_names])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowPage.objects.filter(page=root_page).delete()
    WorkflowPage.objects.create(page=root_page, workflow=workflow)

    for word, alternative in PLAIN_WORDS:
        PlainWord.objects.get_or_create(word=word, defaults={"alternative": alternative})


def remove_roles_and_workflow(apps, schema_editor):
    """Undo what can be undone; Wagtail's Moderators group is not recreated."""
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    PlainWord = apps.get_model("review", "PlainWord")

    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    for model_name, task_name, _ in (SIGN_OFF_TASK, PUBLISH_TASK):
        apps.get_model("review", model_name).objects.filter(name=task_name).delete()
    Group.objects.filter(name__in=[REVIEWERS, PUBLISHERS, ADMINISTRATORS]).delete()
    PlainWord.objects.filter(word__in=[word for word, _ in PLAIN_WORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_clinical_review_models"),
        ("education", "0001_initial_content_model"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_roles_and_workflow, remove_roles_and_workflow)]
