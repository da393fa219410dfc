"""A plain description of everything a restore must bring back, to compare two databases.

The test describes the source database in its own process and the restored one in a
subprocess (see `dump`), so both go through this code.
"""

import hashlib
import json
import sys
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models

from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Site,
    WorkflowState,
)

SEARCH_WORDS = ["immunotherapy", "fever"]


def plain(value):
    """A field value as JSON-friendly data that reads the same from SQLite and PostgreSQL."""
    if isinstance(value, StreamValue):
        return value.get_prep_value()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    if isinstance(value, datetime | date | time | Decimal | UUID):
        return str(value)
    return value


def row(obj: models.Model) -> dict:
    fields = {}
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.related_model is ContentType:
            # Content type ids differ between databases; their names do not.
            content_type = getattr(obj, field.name)
            fields[field.name] = f"{content_type.app_label}.{content_type.model}" if content_type else None
        else:
            fields[field.attname] = plain(field.value_from_object(obj))
    for m2m in obj._meta.many_to_many:
        fields[m2m.name] = sorted(related.pk for related in getattr(obj, m2m.name).all())
    return fields


def file_digest(field_file) -> str:
    try:
        with field_file.open("rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        return "missing"


def pages() -> list[dict]:
    described = []
    for page in Page.objects.order_by("path").specific():
        revisions = Revision.page_revisions.filter(object_id=str(page.pk))
        latest = page.latest_revision
        described.append(
            {
                "url_path": page.url_path,
                "path": page.path,
                "title": page.title,
                "live": page.live,
                "has_unpublished_changes": page.has_unpublished_changes,
                "content_type": page.content_type.model_class()._meta.label,
                "revisions": revisions.count(),
                "latest_revision_title": latest.content.get("title") if latest else None,
                "fields": row(page),
            }
        )
    return described


def snippets() -> dict[str, list[dict]]:
    from education.models import FAQ, FAQTopic, GlossaryTerm, Reference

    return {
        model._meta.label: [row(obj) for obj in model.objects.order_by("pk")]
        for model in (FAQ, FAQTopic, GlossaryTerm, Reference)
    }


def images() -> list[dict]:
    described = []
    for image in get_image_model().objects.order_by("pk"):
        described.append(
            {
                **row(image),
                "collection_path": [c.name for c in image.collection.get_ancestors(inclusive=True)],
                "tags": sorted(tag.name for tag in image.tags.all()),
                "sha256": file_digest(image.file),
                "renditions": sorted(
                    [rendition.filter_spec, rendition.file.name, file_digest(rendition.file)]
                    for rendition in image.renditions.all()
                ),
            }
        )
    return described


def documents() -> list[dict]:
    return [{**row(doc), "sha256": file_digest(doc.file)} for doc in get_document_model().objects.order_by("pk")]


def site_settings() -> dict:
    from wagtail.contrib.settings.registry import registry

    return {model._meta.label: [row(obj) for obj in model.objects.order_by("pk")] for model in registry}


def users_and_groups() -> dict:
    users = []
    for user in get_user_model().objects.order_by("username"):
        profile = getattr(user, "staff_profile", None)
        users.append(
            {
                **row(user),
                "groups": sorted(group.name for group in user.groups.all()),
                "job_title": profile.job_title if profile else None,
            }
        )
    groups = []
    for group in Group.objects.order_by("name"):
        groups.append(
            {
                "name": group.name,
                "permissions": sorted(
                    f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
                ),
                "page_permissions": sorted(
                    [gpp.page.url_path, gpp.permission.codename]
                    for gpp in GroupPagePermission.objects.filter(group=group)
                ),
                "collection_permissions": sorted(
                    [gcp.collection.name, gcp.permission.codename]
                    for gcp in GroupCollectionPermission.objects.filter(group=group)
                ),
            }
        )
    return {"users": users, "groups": groups}


def structure() -> dict:
    return {
        "sites": [
            [site.hostname, site.port, site.root_page.url_path, site.is_default_site, site.site_name]
            for site in Site.objects.order_by("pk")
        ],
        "collections": [[c.path, c.name] for c in Collection.objects.order_by("path")],
        "workflow_states": sorted(
            [
                state.content_object.url_path,
                state.workflow.name,
                state.status,
                state.current_task_state.task.name if state.current_task_state else None,
                state.requested_by.username if state.requested_by else None,
            ]
            for state in WorkflowState.objects.all()
        ),
    }


def search_results() -> dict[str, list[str]]:
    return {word: sorted(page.url_path for page in Page.objects.live().search(word)) for word in SEARCH_WORDS}


def describe() -> dict:
    """Everything the round-trip test compares, as JSON-ready data."""
    description = {
        "pages": pages(),
        "snippets": snippets(),
        "images": images(),
        "documents": documents(),
        "settings": site_settings(),
        **users_and_groups(),
        **structure(),
        "search": search_results(),
    }
    return json.loads(json.dumps(description, default=str))


def rendered_statuses() -> dict[str, int]:
    """HTTP status of every live page of the restored site, served by Django's test client."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    statuses = {}
    for page in Page.objects.live().filter(depth__gt=1).specific():
        url = page.get_url()
        if url:
            statuses[url] = client.get(url, secure=True).status_code
    return statuses


def dump() -> None:
    """Print the description and page statuses of the database that the settings point at."""
    json.dump({"description": describe(), "rendered": rendered_statuses()}, sys.stdout)
