"""Read and check the content files (docs/content-format.md) before anything is written.

Every problem is reported as a ContentFileError naming the file, the line and the field, so a
clinic's editor can fix a file without reading Python.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from education.blocks import TEAMS as TEAM_CHOICES
from education.blocks import URGENCY_LEVELS as URGENCY_CHOICES

# The vocabularies are the blocks' own: a new level or team needs no change here.
URGENCY_LEVELS = tuple(key for key, _ in URGENCY_CHOICES)
TEAMS = tuple(key for key, _ in TEAM_CHOICES)

PAGE_TYPES = {
    "home": "HomePage",
    "section": "SectionPage",
    "article": "ArticlePage",
    "therapy_type": "TherapyTypePage",
    "condition": "ConditionPage",
    "faq_index": "FAQIndexPage",
    "glossary": "GlossaryPage",
    "references": "ReferenceIndexPage",
}
CONDITION_GROUPS = ("cancer", "autoimmune", "infection")
CODE_SYSTEMS = ("icd10cm", "snomed", "rxnorm", "loinc")
# The site settings that choose a page, given in site.yaml as the page's path.
CHOSEN_PAGE_SETTINGS = ("help_page", "alert_card_page", "clinician_page")


class ContentFileError(Exception):
    """A content file is malformed; the message is meant for the person who edits the file."""

    def __init__(self, source: str, line: int | None, field_name: str, problem: str):
        self.source, self.line, self.field_name, self.problem = source, line, field_name, problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}, field '{field_name}': {problem}")


class _Mapping(dict):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key.value: value.start_mark.line + 1 for key, value in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Markdown:
    """Text in the Markdown subset, converted once page links can be resolved."""

    text: str
    source: str
    line: int
    field_name: str


@dataclass
class Entry:
    """One snippet entry or page, with the digest that tells whether it changed."""

    source: str
    line: int
    data: dict[str, Any]
    digest: str = ""

    def __post_init__(self):
        if not self.digest:
            self.digest = hashlib.sha256(
                json.dumps(self.data, sort_keys=True, default=_json_default).encode()
            ).hexdigest()


@dataclass
class PageSpec(Entry):
    page_type: str = ""
    url_path: str = "/"
    parent_path: str = ""
    links: list[Markdown] = field(default_factory=list)


@dataclass
class ContentSet:
    settings: Entry | None
    references: list[Entry]
    glossary: list[Entry]
    faq_topics: list[Entry]
    faqs: list[Entry]
    pages: list[PageSpec]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Markdown):
        return value.text
    raise TypeError(type(value))


class _Fields:
    """Takes the keys of one mapping, checking type and presence, then rejects any left over."""

    def __init__(self, mapping: Any, source: str, prefix: str, line: int):
        if not isinstance(mapping, dict):
            raise ContentFileError(source, line, prefix or "(file)", "expected a mapping of keys to values")
        self.mapping, self.source, self.prefix = mapping, source, prefix
        self.line = getattr(mapping, "line", line)
        self.used: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def line_of(self, key: str) -> int:
        return getattr(self.mapping, "key_lines", {}).get(key, self.line)

    def error(self, key: str, problem: str) -> ContentFileError:
        return ContentFileError(self.source, self.line_of(key), self.name(key), problem)

    def get(self, key: str, kind: type | tuple = str, required: bool = True, default: Any = None) -> Any:
        self.used.add(key)
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                raise ContentFileError(self.source, self.line, self.name(key), "this field is required")
            return default
        value = self.mapping[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            expected = " or ".join(t.__name__ for t in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.error(key, f"expected {expected}, found {type(value).__name__} {value!r}")
        if isinstance(value, str) and required and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def text(self, key: str, required: bool = True, max_length: int | None = None) -> str:
        value = self.get(key, (str, int, float), required, "")
        value = str(value).strip()
        if max_length and len(value) > max_length:
            raise self.error(key, f"is {len(value)} characters; the limit is {max_length}")
        return value

    def choice(self, key: str, choices: Iterable[str], default: str | None = None) -> str:
        value = self.text(key, required=default is None) or default
        if value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def markdown(self, key: str, required: bool = True) -> Markdown | None:
        value = self.text(key, required)
        return Markdown(value, self.source, self.line_of(key), self.name(key)) if value else None

    def lines(self, key: str, required: bool = True) -> list[str]:
        values = self.get(key, list, required, [])
        for index, item in enumerate(values):
            if not isinstance(item, (str, int, float)) or not str(item).strip():
                raise ContentFileError(
                    self.source, self.line_of(key), f"{self.name(key)}[{index}]", "expected a line of text"
                )
        return [str(item).strip() for item in values]

    def date(self, key: str) -> datetime.date | None:
        value = self.get(key, (datetime.date, str), required=False)
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError as error:
                raise self.error(key, "expected a date written as YYYY-MM-DD") from error
        return value

    def finish(self) -> None:
        unknown = sorted(set(self.mapping) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown field (check the spelling in docs/content-format.md)")


def _read_yaml(path: Path, source: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise ContentFileError(
            source, mark.line + 1 if mark else None, "(file)", f"not valid YAML: {error.problem}"
        ) from error
    except UnicodeDecodeError as error:
        raise ContentFileError(source, None, "(file)", "not UTF-8 text") from error


def _entries(path: Path, source: str, items: Any, prefix: str, read) -> list[Entry]:
    if not isinstance(items, list):
        raise ContentFileError(source, getattr(items, "line", None), prefix or "(file)", "expected a list")
    entries = []
    for index, item in enumerate(items):
        fields = _Fields(item, source, f"{prefix}[{index}]" if prefix else f"[{index}]", 1)
        data = read(fields)
        fields.finish()
        entries.append(Entry(source, fields.line, data))
    return entries


def _unique(entries: list[Entry], key: str, what: str) -> None:
    seen = set()
    for entry in entries:
        value = entry.data[key]
        if value in seen:
            raise ContentFileError(entry.source, entry.line, key, f"the {what} {value!r} appears twice")
        seen.add(value)


def _read_reference(fields: _Fields) -> dict:
    year = fields.get("year", int, required=False)
    return {
        "key": fields.text("key", max_length=60),
        "authors": fields.text("authors", required=False, max_length=500),
        "title": fields.text("title", max_length=500),
        "publisher": fields.text("publisher", max_length=200),
        "year": year,
        "volume_pages": fields.text("volume_pages", required=False, max_length=60),
        "doi": fields.text("doi", required=False, max_length=200),
        "pmid": fields.text("pmid", required=False, max_length=12),
        "url": fields.text("url", required=False, max_length=500),
        "note": fields.text("note", required=False, max_length=300),
    }


def _read_glossary_term(fields: _Fields) -> dict:
    return {
        "term": fields.text("term", max_length=80),
        "slug": fields.text("slug", max_length=80),
        "also_known_as": ", ".join(fields.lines("also_known_as", required=False)),
        "definition": fields.text("definition", max_length=400),
    }


class ContentReader:
    """Reads a content folder into a checked ContentSet."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir

    def source(self, path: Path) -> str:
        return (
            str(path.relative_to(self.content_dir.parent.parent))
            if path.is_relative_to(self.content_dir.parent.parent)
            else str(path)
        )

    def read(self) -> ContentSet:
        references = self._snippet_file("references.yaml", _read_reference)
        _unique(references, "key", "reference key")
        glossary = self._snippet_file("glossary.yaml", _read_glossary_term)
        _unique(glossary, "slug", "glossary slug")
        _unique(glossary, "term", "glossary term")
        faq_topics, faqs = self._faqs({entry.data["key"] for entry in references})
        pages = self._pages()
        self._check_page_references(pages, {e.data["key"] for e in references}, {e.data["key"] for e in faqs})
        return ContentSet(self._settings(), references, glossary, faq_topics, faqs, pages)

    def _snippet_file(self, name: str, read) -> list[Entry]:
        path = self.content_dir / name
        if not path.exists():
            return []
        source = self.source(path)
        return _entries(path, source, _read_yaml(path, source) or [], "", read)

    def _settings(self) -> Entry | None:
        path = self.content_dir / "site.yaml"
        if not path.exists():
            return None
        source = self.source(path)
        fields = _Fields(_read_yaml(path, source), source, "", 1)
        data = {
            "organisation_name": fields.text("organisation_name", max_length=120),
            "care_team_contact_text": fields.text("care_team_contact_text", max_length=200),
            "care_team_phone": fields.text("care_team_phone", required=False, max_length=40),
            "emergency_number": fields.text("emergency_number", max_length=20),
            "standard_note": fields.text("standard_note", max_length=600),
            **{name: fields.text(name, required=False) for name in CHOSEN_PAGE_SETTINGS},
        }
        fields.finish()
        return Entry(source, 1, data)

    def _faqs(self, reference_keys: set[str]) -> tuple[list[Entry], list[Entry]]:
        path = self.content_dir / "faqs.yaml"
        if not path.exists():
            return [], []
        source = self.source(path)
        fields = _Fields(_read_yaml(path, source), source, "", 1)
        topics = _entries(
            path,
            source,
            fields.get("topics", list),
            "topics",
            lambda f: {"slug": f.text("slug", max_length=80), "name": f.text("name", max_length=80)},
        )
        _unique(topics, "slug", "topic slug")
        topic_slugs = {topic.data["slug"] for topic in topics}

        def read_faq(f: _Fields) -> dict:
            data = {
                "key": f.text("key", max_length=80),
                "topic": f.choice("topic", sorted(topic_slugs)),
                "question": f.text("question", max_length=200),
                "answer": f.markdown("answer"),
                "references": f.lines("references", required=False),
            }
            for key in data["references"]:
                if key not in reference_keys:
                    raise f.error("references", f"no reference with the key {key!r} in references.yaml")
            return data

        faqs = _entries(path, source, fields.get("faqs", list), "faqs", read_faq)
        fields.finish()
        _unique(faqs, "key", "FAQ key")
        return topics, faqs

    def _pages(self) -> list[PageSpec]:
        pages, paths = [], {}
        for path in sorted((self.content_dir / "pages").glob("*.yaml")):
            spec = PageReader(path, self.source(path)).read()
            if spec.url_path in paths:
                raise ContentFileError(
                    spec.source, spec.line, "slug", f"{spec.url_path} is also made by {paths[spec.url_path]}"
                )
            paths[spec.url_path] = spec.source
            pages.append(spec)
        homes = [spec for spec in pages if spec.page_type == "home"]
        if len(homes) > 1:
            raise ContentFileError(homes[1].source, homes[1].line, "type", "there can be only one home page")
        for spec in pages:
            if spec.page_type != "home" and spec.parent_path not in paths:
                raise ContentFileError(
                    spec.source, spec.data.get("_parent_line"), "parent", f"no content file makes {spec.parent_path}"
                )
        # Parents before children, siblings in file-name order.
        return sorted(pages, key=lambda spec: (spec.url_path.count("/"), spec.source))

    def _check_page_references(self, pages: list[PageSpec], reference_keys: set, faq_keys: set) -> None:
        for spec in pages:
            for key in spec.data["references"]:
                if key not in reference_keys:
                    raise ContentFileError(
                        spec.source, spec.data["_references_line"], "references", f"no reference with the key {key!r}"
                    )
            for key, line, name in spec.data["_faq_keys"]:
                if key not in faq_keys:
                    raise ContentFileError(spec.source, line, name, f"no FAQ with the key {key!r} in faqs.yaml")


class PageReader:
    """Reads one page file."""

    def __init__(self, path: Path, source: str):
        self.path, self.source = path, source
        self.faq_keys: list[tuple[str, int, str]] = []

    def read(self) -> PageSpec:
        raw = self.path.read_bytes()
        fields = _Fields(_read_yaml(self.path, self.source), self.source, "", 1)
        page_type = fields.choice("type", list(PAGE_TYPES))
        data: dict[str, Any] = {
            "title": fields.text("title", max_length=255),
            "summary": fields.text("summary", max_length=300),
            "references": fields.lines("references", required=False),
            "_references_line": fields.line_of("references"),
            "related": fields.lines("related", required=False),
            "in_menu": fields.get("in_menu", bool, required=False, default=False),
            "_related_line": fields.line_of("related"),
        }
        if "reviewed" in fields.mapping:
            # Only a clinical reviewer's sign-off in the admin records a review (review/sign_off.py).
            raise fields.error(
                "reviewed", "a content file cannot record a clinical review; reviewers sign off in the admin"
            )

        if page_type == "home":
            url_path, parent_path = "/", ""
            data["intro"] = fields.markdown("intro")
        else:
            slug = fields.text("slug", max_length=255)
            if not slug.replace("-", "").isalnum() or slug != slug.lower():
                raise fields.error("slug", "use lower-case letters, digits and hyphens only")
            parent_path = fields.text("parent")
            if not (parent_path.startswith("/") and parent_path.endswith("/")):
                raise fields.error("parent", "write the parent's address with slashes, for example /types/")
            data["_parent_line"] = fields.line_of("parent")
            url_path = f"{parent_path}{slug}/"
            data["slug"] = slug
        data["body"] = self.blocks(fields, "body", required=False)

        if page_type == "therapy_type":
            data["how_it_works"] = fields.markdown("how_it_works")
            data["how_given"] = fields.markdown("how_given")
            data["common_side_effects"] = fields.markdown("common_side_effects")
            data["serious_side_effects"] = self.blocks(fields, "serious_side_effects")
            data["questions"] = fields.lines("questions")
            data["medicines"] = [
                self.medicine(item, index, fields.line_of("medicines"))
                for index, item in enumerate(fields.get("medicines", list))
            ]
            data["used_for"] = fields.lines("used_for", required=False)
            data["_used_for_line"] = fields.line_of("used_for")
        if page_type == "condition":
            data["condition_group"] = fields.choice("condition_group", CONDITION_GROUPS)
        if page_type in ("condition", "therapy_type"):
            data["codes"] = [
                self.clinical_code(item, index, fields.line_of("codes"))
                for index, item in enumerate(fields.get("codes", list, required=False, default=[]))
            ]
        fields.finish()
        data["_faq_keys"] = self.faq_keys
        spec = PageSpec(
            self.source,
            fields.line,
            data,
            digest=hashlib.sha256(raw).hexdigest(),
            page_type=page_type,
            url_path=url_path,
            parent_path=parent_path,
        )
        return spec

    def medicine(self, item: Any, index: int, line: int) -> dict:
        fields = _Fields(item, self.source, f"medicines[{index}]", line)
        value = {
            "generic_name": fields.text("generic", max_length=80),
            "brand_name": fields.text("brand", required=False, max_length=80),
            "note": fields.text("note", required=False, max_length=200),
        }
        fields.finish()
        return value

    def clinical_code(self, item: Any, index: int, line: int) -> dict:
        fields = _Fields(item, self.source, f"codes[{index}]", line)
        value = {
            "system": fields.choice("system", CODE_SYSTEMS),
            "code": fields.text("code", max_length=40),
            "display": fields.text("display", required=False, max_length=120),
        }
        fields.finish()
        return value

    def blocks(self, fields: _Fields, key: str, required: bool = True) -> list[dict]:
        items = fields.get(key, list, required, [])
        stream = []
        for index, item in enumerate(items):
            name = f"{key}[{index}]"
            if not isinstance(item, dict) or len(item) != 1:
                raise ContentFileError(
                    self.source,
                    getattr(item, "line", fields.line_of(key)),
                    name,
                    "each block is one 'type: value' pair",
                )
            block_type, value = next(iter(item.items()))
            line = getattr(item, "line", fields.line_of(key))
            reader = getattr(self, f"block_{block_type}", None)
            if reader is None:
                raise ContentFileError(self.source, line, name, f"unknown block type {block_type!r}")
            stream.append(
                {"type": reader.__name__.removeprefix("block_"), "value": reader(value, f"{name}.{block_type}", line)}
            )
        return stream

    def _struct(self, value: Any, name: str, line: int) -> _Fields:
        return _Fields(value, self.source, name, line)

    def block_heading(self, value: Any, name: str, line: int) -> dict:
        if isinstance(value, str):
            value = {"text": value}
        fields = self._struct(value, name, line)
        result = {"text": fields.text("text", max_length=120), "level": str(fields.choice("level", ["2", "3"], "2"))}
        fields.finish()
        return result

    def block_text(self, value: Any, name: str, line: int) -> Markdown:
        if not isinstance(value, str) or not value.strip():
            raise ContentFileError(self.source, line, name, "expected Markdown text")
        return Markdown(value.strip(), self.source, line, name)

    def block_callout(self, value: Any, name: str, line: int) -> dict:
        fields = self._struct(value, name, line)
        result = {
            "kind": fields.choice("kind", ["info", "warning"], "info"),
            "heading": fields.text("heading", required=False, max_length=120),
            "text": fields.markdown("text"),
        }
        fields.finish()
        return result

    def block_urgent(self, value: Any, name: str, line: int) -> dict:
        fields = self._struct(value, name, line)
        result = {
            "level": fields.choice("level", URGENCY_LEVELS),
            "team": fields.choice("team", TEAMS, "care_team"),
            "heading": fields.text("heading", max_length=120),
            "text": fields.markdown("text"),
        }
        fields.finish()
        return result

    def block_details(self, value: Any, name: str, line: int) -> dict:
        fields = self._struct(value, name, line)
        result = {"summary": fields.text("summary", max_length=160), "text": fields.markdown("text")}
        fields.finish()
        return result

    def block_do_dont(self, value: Any, name: str, line: int) -> dict:
        fields = self._struct(value, name, line)
        result = {"do": fields.lines("do", required=False), "dont": fields.lines("dont", required=False)}
        fields.finish()
        if not result["do"] and not result["dont"]:
            raise ContentFileError(self.source, fields.line, name, "add at least one 'do' or 'dont' line")
        return result

    def block_key_points(self, value: Any, name: str, line: int) -> dict:
        if isinstance(value, list):
            value = {"points": value}
        fields = self._struct(value, name, line)
        result = {
            "heading": fields.text("heading", required=False, max_length=80) or "Key points",
            "points": fields.lines("points"),
        }
        fields.finish()
        if not 1 <= len(result["points"]) <= 7:
            raise fields.error("points", "give between 1 and 7 key points")
        return result

    def block_symptom_table(self, value: Any, name: str, line: int) -> dict:
        fields = self._struct(value, name, line)
        rows = []
        for index, row in enumerate(fields.get("rows", list)):
            row_fields = self._struct(row, f"{name}.rows[{index}]", fields.line_of("rows"))
            rows.append(
                {
                    "symptom": row_fields.text("symptom", max_length=200),
                    "action": row_fields.text("action", max_length=240),
                    "urgency": row_fields.choice("urgency", URGENCY_LEVELS),
                }
            )
            row_fields.finish()
        result = {"caption": fields.text("caption", max_length=160), "rows": rows}
        fields.finish()
        if not rows:
            raise fields.error("rows", "add at least one row")
        return result

    def block_faqs(self, value: Any, name: str, line: int) -> dict:
        if isinstance(value, list):
            value = {"faqs": value}
        fields = self._struct(value, name, line)
        keys = fields.lines("faqs")
        if len(keys) != len(set(keys)):
            raise fields.error("faqs", "each question can appear only once")
        self.faq_keys.extend((key, fields.line_of("faqs"), f"{name}.faqs") for key in keys)
        result = {
            "heading": fields.text("heading", required=False, max_length=120) or "Common questions",
            "faqs": keys,
        }
        fields.finish()
        return result

    def block_alert_card(self, value: Any, name: str, line: int) -> None:
        # Its words are fixed and its numbers come from site.yaml: a file only places it.
        if value not in (None, {}):
            raise ContentFileError(self.source, line, name, "the alert card takes no value; write 'alert_card: {}'")
        return None

    def block_stored_data(self, value: Any, name: str, line: int) -> dict:
        # The rows come from the site itself (operations/retention.py); a file gives the caption only.
        if isinstance(value, str):
            value = {"caption": value}
        fields = self._struct(value, name, line)
        result = {"caption": fields.text("caption", max_length=160)}
        fields.finish()
        return result
