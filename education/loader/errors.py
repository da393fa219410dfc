"""Errors an editor can act on: the file, the line and the field."""

from dataclasses import dataclass


class ContentFileError(Exception):
    """A content file is malformed; the message is meant for the person who edits the file."""

    def __init__(self, source: str, line: int | None, field_name: str, problem: str):
        self.source, self.line, self.field_name, self.problem = source, line, field_name, problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}, field '{field_name}': {problem}")


@dataclass(frozen=True)
class Place:
    """Where a value stands in a content file."""

    source: str
    line: int | None
    field: str

    def child(self, name: str | int, line: int | None = None) -> "Place":
        if isinstance(name, int):
            return Place(self.source, line or self.line, f"{self.field}[{name}]")
        return Place(self.source, line or self.line, f"{self.field}.{name}" if self.field else name)

    def error(self, problem: str) -> ContentFileError:
        return ContentFileError(self.source, self.line, self.field or "(file)", problem)
