"""The tables the record of change watches, from what each app declares it shows readers.

An app lists the models whose rows appear on public pages in its AppConfig, as `watched_models`
(labels such as "education.FAQ"). Naming "wagtailcore.Page" watches the whole page tree: every page
type's table, whichever app defines it, with their many-to-many and child tables. Any other model is
watched with its many-to-many tables.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from modelcluster.fields import ParentalKey
from wagtail.models import Page, get_page_models

# Page columns that only editors see: saving a draft, locking or taking a page in the workflow
# changes these alone, and must not throw every reader's copies away.
DRAFT_ONLY_PAGE_COLUMNS = (
    "draft_title",
    "latest_revision_id",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by_id",
)
# Page columns that say where a page is and whether it is there: other pages link to it, menus and
# routes find it by them, so a change to one moves the site-wide generation too.
ADDRESS_PAGE_COLUMNS = ("path", "depth", "url_path", "slug", "live", "alias_of_id", "locale_id", "content_type_id")

SITEWIDE = "sitewide"  # any row change moves both generations
PAGE = "page"  # wagtailcore_page: depends on which columns changed
PAGE_PART = "page part"  # a page type's own table, its many-to-many and child rows


@dataclass(frozen=True)
class WatchedTable:
    table: str
    kind: str
    # For a page part: the column holding the page's id (to tell a site's root page apart).
    page_column: str = ""


def watched_labels() -> list[str]:
    labels = []
    for config in apps.get_app_configs():
        labels.extend(getattr(config, "watched_models", ()))
    return labels


def watched_tables() -> list[WatchedTable]:
    tables: dict[str, WatchedTable] = {}
    for label in watched_labels():
        model = apps.get_model(label)
        if issubclass(model, Page):
            for table in _page_tree_tables():
                tables.setdefault(table.table, table)
        else:
            for table in [model._meta.db_table, *_many_to_many_tables(model)]:
                tables.setdefault(table, WatchedTable(table, SITEWIDE))
    return sorted(tables.values(), key=lambda table: table.table)


def page_columns() -> list[str]:
    return [field.column for field in Page._meta.concrete_fields]


def _page_tree_tables() -> list[WatchedTable]:
    found = [WatchedTable(Page._meta.db_table, PAGE)]
    for model in get_page_models():
        if model is Page:
            continue
        meta = model._meta
        if meta.proxy:
            continue
        found.append(WatchedTable(meta.db_table, PAGE_PART, meta.pk.column))
        for field in meta.local_many_to_many:
            through = field.remote_field.through._meta
            found.append(WatchedTable(through.db_table, PAGE_PART, field.m2m_column_name()))
        for child in _child_models(model):
            key = next(
                f for f in child._meta.concrete_fields if isinstance(f, ParentalKey) and f.related_model is model
            )
            found.append(WatchedTable(child._meta.db_table, PAGE_PART, key.column))
    return found


def _child_models(model: type[models.Model]) -> list[type[models.Model]]:
    """Rows edited with the page (InlinePanel children): a ParentalKey to this very page type.
    Wagtail's own children of every page (comments) point at Page itself and are left out."""
    return [
        relation.related_model
        for relation in model._meta.related_objects
        if isinstance(relation.field, ParentalKey) and relation.field.related_model is model
    ]


def _many_to_many_tables(model: type[models.Model]) -> list[str]:
    return [field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many]
