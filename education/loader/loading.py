"""Whether content is being loaded from files now, for the rules that treat it differently."""

import contextlib
import contextvars
from collections.abc import Iterator

_loading = contextvars.ContextVar("loading_content_files", default=False)


def loading_content_files() -> bool:
    """Whether the content files are being loaded now (the clinical sign-off rule lets their first
    publication through, recorded as such: review/sign_off.py)."""
    return _loading.get()


@contextlib.contextmanager
def loading_content() -> Iterator[None]:
    """Within this block, content is being loaded from files (or made for a benchmark), not
    written by an editor: it goes live as content not yet checked by a clinician."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)
