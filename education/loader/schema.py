"""The models are the content files' schema.

A file may set the fields an editor edits in the admin (the model's panels), under the fields' own
names, and each value is read by the kind of field or block that holds it: text, Markdown for rich
text, a path for a page, a key for a snippet, a list of blocks for a StreamField. Lengths, choices
and rules are not restated here: the fields and blocks check the values themselves when the
values are applied (sync.py), and their errors are traced back to the file's line (FileValues.places).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models

from wagtail import blocks
from wagtail.admin.panels import ObjectList
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .errors import Place
from .yaml_lines import line_of_item, line_of_key

# A path of keys and indexes into a value, as Wagtail's block errors nest: ("body", 3, "text").
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Markdown:
    """Text in the Markdown subset, made rich text once page links can be resolved."""

    text: str
    place: Place


@dataclass(frozen=True)
class PageLink:
    """A page named by its path, such as /types/cytokines/, found once every page exists."""

    path: str
    model: type[Page]
    place: Place


@dataclass(frozen=True)
class SnippetKey:
    """A snippet named by its natural key (natural_key), found once the snippets are loaded."""

    model: type[models.Model]
    key: str
    place: Place


def editable_fields(model: type[models.Model], panels: list) -> dict[str, models.Field]:
    """The fields an editor edits through these panels, read-only ones left out."""
    names = ObjectList(panels).bind_to_model(model).get_form_options()["fields"]
    return {name: model._meta.get_field(name) for name in names}


def unique_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields no two entries of one content file may share: unique ones, and for a snippet
    kept in each language, those unique within a language (its locale's constraints)."""
    in_language = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and len(constraint.fields) == 2
        and "locale" in constraint.fields
        for name in constraint.fields
        if name != "locale"
    }
    return [
        field for field in model._meta.fields if not field.primary_key and (field.unique or field.name in in_language)
    ]


def natural_key(model: type[models.Model]) -> str | None:
    """The unique slug by which a content file names a snippet: Reference.key, FAQTopic.slug …
    (a translated snippet shares its English entry's key)."""
    return next((field.name for field in unique_fields(model) if isinstance(field, models.SlugField)), None)


class FileValues:
    """Reads the values of one entry of a content file, remembering where each one stands."""

    def __init__(self):
        self.places: dict[Path, tuple[Place, Any]] = {}

    def place_of(self, path: Path, default: Place) -> tuple[Place, Any]:
        """The place of the value at `path`, or of the nearest value that holds it."""
        while path:
            if path in self.places:
                return self.places[path]
            path = path[:-1]
        return default, None

    def fields(
        self, mapping: Any, fields: dict[str, models.Field], place: Place, names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Each key of `mapping` read as the field it names (or that `names` maps it to)."""
        names = names or {}
        values = {}
        for key, raw in mapping.items():
            name = names.get(key, key)
            key_place = place.child(key, line_of_key(mapping, key, place.line))
            if name not in fields:
                raise key_place.error("unknown field (check the spelling in docs/content-format.md)")
            values[name] = self.field(fields[name], raw, key_place)
        return values

    def field(self, field: models.Field, raw: Any, place: Place) -> Any:
        self.places[(field.name,)] = (place, field)
        if raw is None:
            return None
        if isinstance(field, StreamField):
            return self.block(field.stream_block, raw, place, (field.name,))
        if isinstance(field, RichTextField):
            return self.markdown(raw, place)
        if field.many_to_many:
            return [
                self.reference(field.related_model, item, item_place) for item, item_place in self.items(raw, place)
            ]
        if field.many_to_one:
            return self.reference(field.related_model, raw, place)
        if isinstance(field, models.BooleanField):
            if not isinstance(raw, bool):
                raise place.error(f"expected true or false, found {raw!r}")
            return raw
        if isinstance(field, models.DateField):
            return self.date(raw, place)
        if isinstance(field, models.IntegerField):
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise place.error(f"expected a whole number, found {raw!r}")
            return raw
        return self.text(raw, place)

    def block(self, block: blocks.Block, raw: Any, place: Place, path: Path) -> Any:
        """The block's value as JSON-like data, with Markdown, pages and snippets still to resolve."""
        self.places[path] = (place, block)
        if isinstance(block, blocks.StreamBlock):
            return self.stream(block, raw, place, path)
        if isinstance(block, blocks.StructBlock):
            return self.struct(block, raw, place, path)
        if isinstance(block, blocks.ListBlock):
            return [
                self.block(block.child_block, item, item_place, (*path, index))
                for index, (item, item_place) in enumerate(self.items(raw, place))
            ]
        if isinstance(block, blocks.RichTextBlock):
            return self.markdown(raw, place)
        if isinstance(block, blocks.ChooserBlock):
            return self.reference(block.target_model, raw, place)
        if isinstance(block, blocks.FieldBlock):
            return self.text(raw, place)
        if isinstance(block, blocks.StaticBlock):
            if raw not in (None, {}):
                raise place.error("this block's words are fixed and it takes no value: write it as {}")
            return None
        raise place.error("this kind of block cannot be written in a content file")

    def stream(self, block: blocks.StreamBlock, raw: Any, place: Place, path: Path) -> list[dict]:
        # A stream of one kind of block may list bare values: `questions: [a, b]`.
        only_kind = next(iter(block.child_blocks)) if len(block.child_blocks) == 1 else None
        stream = []
        for index, (item, item_place) in enumerate(self.items(raw, place)):
            if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in block.child_blocks:
                kind, value = next(iter(item.items()))
            elif only_kind:
                kind, value = only_kind, item
            elif isinstance(item, dict) and len(item) == 1:
                raise item_place.error(
                    f"unknown block type {next(iter(item))!r} (one of {', '.join(block.child_blocks)})"
                )
            else:
                raise item_place.error("each block is one 'type: value' pair")
            child_place = item_place.child(kind) if kind != only_kind else item_place
            stream.append(
                {"type": kind, "value": self.block(block.child_blocks[kind], value, child_place, (*path, index))}
            )
        return stream

    def struct(self, block: blocks.StructBlock, raw: Any, place: Place, path: Path) -> dict:
        if not isinstance(raw, dict):
            # A bare value fills the block's first field of its kind: `heading: Text`, `key_points: [...]`.
            name = _shorthand_field(block, raw)
            if name is None:
                raise place.error(f"expected a mapping with the fields {', '.join(block.child_blocks)}")
            raw = {name: raw}
        value = {}
        for name, item in raw.items():
            item_place = place.child(name, line_of_key(raw, name, place.line))
            if name not in block.child_blocks:
                raise item_place.error(f"unknown field (one of {', '.join(block.child_blocks)})")
            value[name] = self.block(block.child_blocks[name], item, item_place, (*path, name))
        return value

    def items(self, raw: Any, place: Place) -> list[tuple[Any, Place]]:
        if not isinstance(raw, list):
            raise place.error(f"expected a list, found {type(raw).__name__} {raw!r}")
        return [(item, place.child(index, line_of_item(raw, index, place.line))) for index, item in enumerate(raw)]

    def text(self, raw: Any, place: Place) -> str:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float, datetime.date)):
            raise place.error(f"expected a line of text, found {type(raw).__name__} {raw!r}")
        return str(raw).strip()

    def markdown(self, raw: Any, place: Place) -> Markdown:
        return Markdown(self.text(raw, place), place)

    def date(self, raw: Any, place: Place) -> datetime.date:
        if isinstance(raw, datetime.date):
            return raw
        try:
            return datetime.date.fromisoformat(self.text(raw, place))
        except ValueError as error:
            raise place.error("expected a date written as YYYY-MM-DD") from error

    def reference(self, model: type[models.Model], raw: Any, place: Place) -> PageLink | SnippetKey:
        text = self.text(raw, place)
        if issubclass(model, Page):
            if not (text.startswith("/") and text.endswith("/")):
                raise place.error(f"write a page's address with slashes, for example /types/, not {text!r}")
            return PageLink(text, model, place)
        if natural_key(model) is None:
            raise place.error(
                f"this {model._meta.verbose_name} cannot be named in a content file: choose it in the admin"
            )
        return SnippetKey(model, text, place)


def _shorthand_field(block: blocks.StructBlock, raw: Any) -> str | None:
    kind = blocks.ListBlock if isinstance(raw, list) else blocks.FieldBlock
    return next(
        (
            name
            for name, child in block.child_blocks.items()
            if isinstance(child, kind) and not isinstance(child, blocks.ChooserBlock)
        ),
        None,
    )
