"""The content loader (docs/content-format.md): reads the content files and applies them through
the same models and revision calls an editor's save uses.

The models are the files' schema. A file may set the fields an editor edits in the admin, under
the same names, and every value is checked by the field or block that holds it: adding a field,
a block or a page type needs no change here.
"""

from .errors import ContentFileError
from .reader import ContentReader, ContentSet
from .sync import ContentSync, SyncReport

__all__ = ["ContentFileError", "ContentReader", "ContentSet", "ContentSync", "SyncReport"]
