"""Read a content folder into entries and page specs, checking the shape of every file before
anything is written: what each value must be is decided by the models (schema.py)."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from wagtail.models import Page, TranslatableMixin

from education.models import FAQ, FAQTopic, GlossaryTerm, PortalSettings, Reference
from education.models.mixins import ReviewDatesMixin
from education.models.pages import PortalPage

from .errors import Place
from .schema import FileValues, editable_fields, natural_key, unique_fields
from .yaml_lines import line_of_item, line_of_key, read_yaml

# Which snippets each file holds, in the order they load: a file and, where the file holds more
# than one kind, the key of each kind's list.
SNIPPET_FILES: list[tuple[str, str | None, type[models.Model]]] = [
    ("references.yaml", None, Reference),
    ("glossary.yaml", None, GlossaryTerm),
    ("faqs.yaml", "topics", FAQTopic),
    ("faqs.yaml", "faqs", FAQ),
]
SETTINGS_FILE = "site.yaml"

# Short names a page file uses for Wagtail's own fields.
PAGE_FILE_NAMES = {
    "summary": "search_description",
    "in_menu": "show_in_menus",
    "related": "related_pages",
    "codes": "clinical_codes",
}
# Only a clinical reviewer's sign-off in the admin records a review (review/sign_off.py).
REVIEW_KEYS = {"reviewed", *(f.name for f in ReviewDatesMixin._meta.get_fields())}


def page_type_name(model: type[Page]) -> str:
    """The `type:` of a page file: the model's name in snake case, without 'Page' (TherapyTypePage
    is therapy_type, FAQIndexPage faq_index)."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*", model.__name__.removesuffix("Page"))
    return "_".join(words).lower()


def page_models() -> dict[str, type[PortalPage]]:
    """Every content page type, by the name a file gives it."""
    found, pending = [], list(PortalPage.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model._meta.abstract:
            found.append(model)
    return {page_type_name(model): model for model in sorted(found, key=lambda m: m.__name__)}


def page_fields(model: type[PortalPage]) -> dict[str, models.Field]:
    """What a page file may set: the fields of the page's content, sources and promote tabs."""
    return editable_fields(model, [*model.content_panels, *model.sources_panels, *model.promote_panels])


@dataclass
class Entry:
    """One snippet or settings entry, with the digest that tells whether it changed."""

    place: Place
    model: type[models.Model]
    values: dict[str, Any]
    reading: FileValues
    digest: str

    @property
    def key(self) -> str:
        return str(self.values.get(natural_key(self.model), ""))


@dataclass
class PageSpec:
    """One page file."""

    place: Place
    model: type[PortalPage]
    values: dict[str, Any]
    reading: FileValues
    digest: str
    # In a translation's folder, these are the addresses of the English page it translates and of
    # that page's parent: the translation takes its place in its own language's tree.
    url_path: str = "/"
    parent_path: str = ""
    parent_place: Place | None = None

    @property
    def is_home(self) -> bool:
        return self.url_path == "/"


@dataclass
class ContentSet:
    """One language's content: the English folder, or a translation's folder inside it (es/)."""

    settings: Entry | None
    snippets: dict[type[models.Model], list[Entry]] = field(default_factory=dict)
    pages: list[PageSpec] = field(default_factory=list)
    language: str = settings.LANGUAGE_CODE
    translations: list["ContentSet"] = field(default_factory=list)

    @property
    def is_translation(self) -> bool:
        return self.language != settings.LANGUAGE_CODE

    @property
    def references(self) -> list[Entry]:
        return self.snippets.get(Reference, [])


def _digest(raw: Any) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


class ContentReader:
    """Reads a content folder into a checked ContentSet.

    The folder holds the English content; a folder inside it named by a language code (es/) holds
    that language's translations: pages that name the English page they translate
    (`translation_of:`), and the snippets kept in each language, under their English keys.
    """

    def __init__(self, content_dir: Path, language: str = settings.LANGUAGE_CODE, source_root: Path | None = None):
        self.content_dir = content_dir
        self.language = language
        self.source_root = source_root or content_dir.parent.parent

    @property
    def is_translation(self) -> bool:
        return self.language != settings.LANGUAGE_CODE

    def source(self, path: Path) -> str:
        base = self.source_root
        return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)

    def read(self) -> ContentSet:
        content = ContentSet(None if self.is_translation else self._settings(), language=self.language)
        for name, list_key, model in SNIPPET_FILES:
            if not self.is_translation or issubclass(model, TranslatableMixin):
                content.snippets[model] = self._snippets(name, list_key, model)
        content.pages = self._pages()
        if not self.is_translation:
            content.translations = [
                ContentReader(self.content_dir / code, code, self.source_root).read()
                for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
                if code != self.language and (self.content_dir / code).is_dir()
            ]
        return content

    def _file(self, name: str) -> tuple[Any, Place] | None:
        path = self.content_dir / name
        if not path.exists():
            return None
        source = self.source(path)
        return read_yaml(path, source), Place(source, None, "")

    def _settings(self) -> Entry | None:
        found = self._file(SETTINGS_FILE)
        if found is None:
            return None
        mapping, place = found
        if not isinstance(mapping, dict):
            raise place.error("expected a mapping of keys to values")
        reading = FileValues()
        values = reading.fields(mapping, editable_fields(PortalSettings, PortalSettings.panels), place)
        return Entry(place, PortalSettings, values, reading, _digest(mapping))

    def _snippets(self, name: str, list_key: str | None, model: type[models.Model]) -> list[Entry]:
        found = self._file(name)
        if found is None:
            return []
        items, place = found
        if list_key:
            if not isinstance(items, dict) or list_key not in items:
                raise place.error(f"expected a list under '{list_key}:'")
            place = place.child(list_key, line_of_key(items, list_key, None))
            items = items[list_key]
        if not isinstance(items, list):
            raise place.error("expected a list")
        fields = editable_fields(model, model.panels)
        entries = []
        for index, item in enumerate(items):
            item_place = place.child(index, line_of_item(items, index, place.line))
            if not isinstance(item, dict):
                raise item_place.error("expected a mapping of keys to values")
            reading = FileValues()
            entries.append(Entry(item_place, model, reading.fields(item, fields, item_place), reading, _digest(item)))
        _refuse_repeats(entries, model)
        return entries

    def _pages(self) -> list[PageSpec]:
        pages, made_by = [], {}
        for path in sorted((self.content_dir / "pages").glob("*.yaml")):
            spec = read_page_file(path, self.source(path), self.is_translation)
            if spec.url_path in made_by:
                made = "translated" if self.is_translation else "made"
                raise spec.place.error(f"{spec.url_path} is also {made} by {made_by[spec.url_path]}")
            made_by[spec.url_path] = spec.place.source
            pages.append(spec)
        homes = [spec for spec in pages if spec.is_home]
        if len(homes) > 1:
            raise homes[1].place.child("type").error("there can be only one home page")
        for spec in pages:
            if not spec.is_home and spec.parent_path not in made_by:
                if self.is_translation:
                    raise spec.parent_place.error(
                        f"translate the page above it first: no file in this folder translates {spec.parent_path}"
                    )
                raise spec.parent_place.error(f"no content file makes {spec.parent_path}")
        # Parents before children, siblings in file-name order.
        return sorted(pages, key=lambda spec: (spec.url_path.count("/"), spec.place.source))


def _refuse_repeats(entries: list[Entry], model: type[models.Model]) -> None:
    for field_ in unique_fields(model):
        seen = set()
        for entry in entries:
            value = entry.values.get(field_.name)
            if value in seen:
                place, _field = entry.reading.place_of((field_.name,), entry.place)
                raise place.error(f"the {field_.verbose_name} {value!r} appears twice")
            seen.add(value)


def _is_site_root(model: type[Page]) -> bool:
    return model.allowed_parent_page_models() == [Page]


def _address(raw: Any, place: Place, whose: str) -> str:
    if not isinstance(raw, str) or not (raw.startswith("/") and raw.endswith("/")):
        raise place.error(f"write {whose} address with slashes, for example /types/")
    return raw


def read_page_file(path: Path, source: str, translation: bool = False) -> PageSpec:
    """One page file, checked on its own (links to other files are checked as they load). A
    translation names the English page it translates instead of its parent."""
    types = page_models()
    raw = read_yaml(path, source)
    place = Place(source, getattr(raw, "line", None), "")
    if not isinstance(raw, dict):
        raise place.error("expected a mapping of keys to values")
    mapping = _KeyLines(raw)  # the frame's keys are taken out; the rest are the page's fields

    def take(key: str) -> tuple[Any, Place]:
        return mapping.pop(key, None), place.child(key, line_of_key(raw, key, place.line))

    type_name, type_place = take("type")
    if type_name not in types:
        raise type_place.error(f"{type_name!r} is not one of {', '.join(types)}")
    for key in sorted(REVIEW_KEYS & set(mapping)):
        raise take(key)[1].error("a content file cannot record a clinical review; reviewers sign off in the admin")
    model = types[type_name]

    url_path, parent_path, parent_place = "/", "", None
    if translation:
        url_path = _address(*take("translation_of"), "the English page's")
        parent_place = place.child("translation_of", line_of_key(raw, "translation_of", place.line))
        if (url_path == "/") != _is_site_root(model):
            raise parent_place.error(f"a {type_name} page cannot translate {url_path}")
        parent_path = url_path.rstrip("/").rsplit("/", 1)[0] + "/" if url_path != "/" else ""
    if not _is_site_root(model):
        slug, slug_place = take("slug")
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise slug_place.error("use lower-case letters, digits and hyphens only")
        if not translation:
            parent_path, parent_place = take("parent")
            parent_path = _address(parent_path, parent_place, "the parent's")
            url_path = f"{parent_path}{slug}/"
        mapping["slug"] = slug

    reading = FileValues()
    values = reading.fields(mapping, page_fields(model), place, PAGE_FILE_NAMES)
    return PageSpec(
        place,
        model,
        values,
        reading,
        hashlib.sha256(path.read_bytes()).hexdigest(),
        url_path=url_path,
        parent_path=parent_path,
        parent_place=parent_place,
    )


class _KeyLines(dict):
    """A copy of a file's mapping that still knows the lines of its keys."""

    def __init__(self, mapping: Any):
        super().__init__(mapping)
        self.key_lines = getattr(mapping, "key_lines", {})
        self.line = getattr(mapping, "line", 0)
