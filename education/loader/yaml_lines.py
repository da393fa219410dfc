"""YAML read with the safe loader, remembering the line of every key and list item, so that an
error can point the editor at the line to fix."""

from pathlib import Path
from typing import Any

import yaml

from .errors import ContentFileError


class LineMapping(dict):
    """A YAML mapping that remembers its own line and the line of each key's value."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML list that remembers the line of each item."""

    line: int = 0
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMapping:
    mapping = LineMapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key.value: value.start_mark.line + 1 for key, value in node.value}
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = [item.start_mark.line + 1 for item in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path, source: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise ContentFileError(
            source, mark.line + 1 if mark else None, "(file)", f"not valid YAML: {error.problem}"
        ) from error
    except UnicodeDecodeError as error:
        raise ContentFileError(source, None, "(file)", "not UTF-8 text") from error


def line_of_key(mapping: Any, key: str, default: int | None) -> int | None:
    return getattr(mapping, "key_lines", {}).get(key, default)


def line_of_item(items: Any, index: int, default: int | None) -> int | None:
    lines = getattr(items, "item_lines", [])
    return lines[index] if index < len(lines) else default
