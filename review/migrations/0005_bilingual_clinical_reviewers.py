"""The "Bilingual clinical reviewers" group: clinical reviewers who read English and Spanish, the
only ones whose sign-off puts a translation live (review/sign_off.py). It gets what "Clinical
reviewers" has, and a place in the "Clinical sign-off" task, so translations reach its members.
"""

from django.db import migrations

REVIEWERS = "Clinical reviewers"
BILINGUAL_REVIEWERS = "Bilingual clinical reviewers"
SIGN_OFF_TASK = "Clinical sign-off"


def create_bilingual_reviewers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ClinicalReviewTask = apps.get_model("review", "ClinicalReviewTask")

    bilingual, _ = Group.objects.get_or_create(name=BILINGUAL_REVIEWERS)
    reviewers = Group.objects.filter(name=REVIEWERS).first()
    if reviewers is not None:
        bilingual.permissions.set(reviewers.permissions.all())
        for grant in GroupPagePermission.objects.filter(group=reviewers):
            GroupPagePermission.objects.get_or_create(group=bilingual, page=grant.page, permission=grant.permission)
        for grant in GroupCollectionPermission.objects.filter(group=reviewers):
            GroupCollectionPermission.objects.get_or_create(
                group=bilingual, collection=grant.collection, permission=grant.permission
            )
    for task in ClinicalReviewTask.objects.filter(name=SIGN_OFF_TASK):
        task.groups.add(bilingual)


def remove_bilingual_reviewers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=BILINGUAL_REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_snippets_in_clinical_review"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_bilingual_reviewers, remove_bilingual_reviewers)]
