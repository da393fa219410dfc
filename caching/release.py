"""Copies a release made are never served by another: every key in the shared cache names the release.

The record of change covers content. A deploy changes the code instead (a template, a fixed
escape, a stylesheet whose hashed name is in every page), and Redis outlives the processes that
filled it, so without this a new release would serve pages rendered by the old one until the next
content change. The release is a digest of the code and templates, the versions of Django and
Wagtail, and the settings that shape a kept response; each process works it out once.
"""

import hashlib
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings

SOURCE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".json"}
# What never reaches a reader's response, or is made from what is digested already.
LEFT_OUT = {".git", ".venv", "node_modules", "tests", "bench", "docs", "media", "staticfiles", ".test-media"}
SHAPING_SETTINGS = (
    "CONTENT_SECURITY_POLICY",
    "X_FRAME_OPTIONS",
    "EMBED_ALLOWED_ORIGINS",
    "SHARED_CACHE_SECONDS",
    "FORCE_SCRIPT_NAME",
    "STATIC_URL",
    "MEDIA_URL",
    "WAGTAILADMIN_BASE_URL",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "WAGTAILAPI_LIMIT_MAX",
    "WAGTAILAPI_RICH_TEXT_FORMAT",
    # The privacy notice shows these (operations/retention.py): a new value must not wait for an edit.
    "FEEDBACK_RETENTION_DAYS",
    "SEARCH_COUNTS_RETENTION_DAYS",
    "LOGIN_RECORDS_RETENTION_DAYS",
    "STAFF_SESSION_IDLE_SECONDS",
    "STAFF_SESSION_MAX_SECONDS",
    "AXES_COOLOFF_TIME",
    "RATE_LIMITS",
)


def source_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.iterdir()):
        if path.name in LEFT_OUT or path.name.startswith("."):
            continue
        if path.is_dir():
            yield from source_files(path)
        elif path.suffix in SOURCE_SUFFIXES:
            yield path


def digest(root: Path, shaping: dict) -> str:
    hasher = hashlib.sha256()
    for path in source_files(root):
        hasher.update(str(path.relative_to(root)).encode())
        hasher.update(path.read_bytes())
    for package in ("django", "wagtail"):
        hasher.update(metadata.version(package).encode())
    hasher.update(repr(sorted(shaping.items())).encode())
    return hasher.hexdigest()[:12]


@cache
def release() -> str:
    shaping = {name: getattr(settings, name, None) for name in SHAPING_SETTINGS}
    return digest(Path(settings.BASE_DIR), shaping)


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """The shared cache's KEY_FUNCTION: Django's own layout, with the release after the version."""
    return f"{key_prefix}:{version}:{release()}:{key}"
