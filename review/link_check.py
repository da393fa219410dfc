"""Internal links that lead nowhere: to a page that is unpublished or has been deleted.

Wagtail's reference index forgets links to a page once the page is deleted, and a page chooser
whose page is gone just reads as empty. So the links are read from the stored content itself:
rich text keeps `<a linktype="page" id="…">`, and StreamField's raw data keeps chosen page ids.
Each page type, snippet type and setting is read with one query; the linked pages with one more.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst

from wagtail import blocks
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site, get_page_models
from wagtail.rich_text import extract_references_from_rich_text
from wagtail.snippets.models import get_snippet_models

UNPUBLISHED = "unpublished"
DELETED = "deleted"


@dataclass
class BrokenLink:
    """One link, where it is, and what is wrong with its target."""

    source_title: str
    source_type: str
    source_edit_url: str
    source_is_live: bool
    location: str
    target_id: int
    target_title: str
    problem: str

    @property
    def problem_label(self) -> str:
        return "Page deleted" if self.problem == DELETED else "Page not published"

    @property
    def shown_to_patients(self) -> str:
        return "Yes" if self.source_is_live else "No (draft)"


@dataclass
class _Link:
    source: models.Model
    location: str
    target_id: int


def _rich_text_page_ids(html: str) -> Iterator[int]:
    for model, object_id, _, _ in extract_references_from_rich_text(html or ""):
        if issubclass(model, Page) and str(object_id).isdigit():
            yield int(object_id)


def _leaf_values(block: blocks.Block, raw, label: str) -> Iterator[tuple[str, blocks.Block, object]]:
    """(where, block, raw value) for every page chooser and rich text inside a block's stored value."""
    if raw is None:
        return
    if isinstance(block, (blocks.PageChooserBlock, blocks.RichTextBlock)):
        yield label, block, raw
    elif isinstance(block, blocks.StreamBlock):
        for item in raw:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                yield from _leaf_values(child, item.get("value"), f"{label} → {capfirst(child.label)}")
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            value = item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
            yield from _leaf_values(block.child_block, value, label)
    elif isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        for name, child in block.child_blocks.items():
            yield from _leaf_values(child, raw.get(name), f"{label} → {capfirst(child.label)}")


def _block_page_ids(block: blocks.Block, raw, label: str) -> Iterator[tuple[str, int]]:
    """(where, page id) for every page link inside a block's raw (stored JSON) value."""
    for location, leaf, value in _leaf_values(block, raw, label):
        if isinstance(leaf, blocks.PageChooserBlock):
            if str(value).isdigit():
                yield location, int(value)
        else:
            for page_id in _rich_text_page_ids(str(value)):
                yield location, page_id


def rich_text_in(obj: models.Model) -> Iterator[tuple[str, str]]:
    """(where, HTML) for every piece of rich text stored on `obj`, in fields and in StreamField blocks."""
    for field in _content_fields(type(obj)):
        label = capfirst(field.verbose_name)
        if isinstance(field, StreamField):
            for location, leaf, value in _leaf_values(
                field.stream_block, list(getattr(obj, field.name).raw_data), label
            ):
                if isinstance(leaf, blocks.RichTextBlock):
                    yield location, str(value)
        else:
            yield label, getattr(obj, field.name) or ""


def _links_in(obj: models.Model, fields: list[models.Field]) -> Iterator[_Link]:
    for field in fields:
        label = capfirst(field.verbose_name)
        if isinstance(field, StreamField):
            value = getattr(obj, field.name)
            for location, page_id in _block_page_ids(field.stream_block, list(value.raw_data), label):
                yield _Link(obj, location, page_id)
        elif isinstance(field, RichTextField):
            for page_id in _rich_text_page_ids(getattr(obj, field.name)):
                yield _Link(obj, label, page_id)
        elif isinstance(field, models.ForeignKey) and issubclass(field.related_model, Page):
            page_id = getattr(obj, field.attname)
            if page_id:
                yield _Link(obj, label, page_id)


def _content_fields(model: type[models.Model], include_page_foreign_keys: bool = False) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if isinstance(field, (StreamField, RichTextField)) or (
            include_page_foreign_keys and isinstance(field, models.ForeignKey) and issubclass(field.related_model, Page)
        ):
            fields.append(field)
    return fields


def _all_links() -> Iterator[_Link]:
    for model in get_page_models():
        fields = _content_fields(model)
        if fields and not model._meta.abstract:
            content_type_id = ContentType.objects.get_for_model(model).pk
            for page in model.objects.all():
                # A subclass's pages are read with the subclass, whose fields include these.
                if page.content_type_id == content_type_id:
                    yield from _links_in(page, fields)
    for model in get_snippet_models():
        fields = _content_fields(model)
        if fields:
            for snippet in model.objects.all():
                yield from _links_in(snippet, fields)
    for model in settings_registry:
        if issubclass(model, BaseSiteSetting):
            fields = _content_fields(model, include_page_foreign_keys=True)
            if fields:
                for setting in model.objects.select_related("site"):
                    yield from _links_in(setting, fields)


def _describe_source(obj: models.Model) -> tuple[str, str, str, bool]:
    """(title, type, edit URL, whether patients can see it) for the object holding a link."""
    if isinstance(obj, Page):
        return (
            obj.get_admin_display_title(),
            capfirst(obj._meta.verbose_name),
            reverse("wagtailadmin_pages:edit", args=(obj.pk,)),
            obj.live,
        )
    if isinstance(obj, BaseSiteSetting):
        meta = obj._meta
        site: Site = obj.site
        return (
            f"{capfirst(meta.verbose_name)} ({site.site_name or site.hostname})",
            "Site setting",
            reverse("wagtailsettings:edit", args=(meta.app_label, meta.model_name, obj.site_id)),
            True,
        )
    viewset = getattr(type(obj), "snippet_viewset", None)
    edit_url = reverse(viewset.get_url_name("edit"), args=(obj.pk,)) if viewset else ""
    return str(obj), capfirst(obj._meta.verbose_name), edit_url, True


def find_broken_links() -> list[BrokenLink]:
    """Every stored internal link whose page is unpublished or deleted, patient-visible ones first."""
    links = list(_all_links())
    targets = {
        row["pk"]: row
        for row in Page.objects.filter(pk__in={link.target_id for link in links}).values("pk", "title", "live")
    }
    broken = []
    for link in links:
        target = targets.get(link.target_id)
        if target is not None and target["live"]:
            continue
        title, source_type, edit_url, is_live = _describe_source(link.source)
        broken.append(
            BrokenLink(
                source_title=title,
                source_type=source_type,
                source_edit_url=edit_url,
                source_is_live=is_live,
                location=link.location,
                target_id=link.target_id,
                target_title=target["title"] if target else "",
                problem=UNPUBLISHED if target else DELETED,
            )
        )
    return sorted(broken, key=lambda row: (not row.source_is_live, row.source_title.lower(), row.location))
