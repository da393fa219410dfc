"""Restore a backup (operations/backup.py) into an empty database, or over a full one when asked:
check the file and the schema first, load the data and the media, then check the site it made.
"""

import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from wagtail.models import Page, Revision, Site

from caching import record

from .backup import (
    DATA_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    applied_migrations,
    backed_up_models,
    media_files,
    referenced_files,
    sha256_of,
)


class RestoreRefused(Exception):
    """The restore would harm the target, or the backup does not fit this version of the portal."""


class RestoreCheckFailed(Exception):
    """The restored site does not match the backup's manifest."""


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            member = archive.getmember(MANIFEST_NAME)
            manifest = json.load(archive.extractfile(member))
    except KeyError as error:
        raise RestoreRefused(f"{archive_path} has no {MANIFEST_NAME}: it is not a portal backup.") from error
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise RestoreRefused(f"{archive_path} is not a readable backup ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"{archive_path} is not a portal backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(
            f"This backup has format version {manifest.get('format_version')}; this portal reads version "
            f"{FORMAT_VERSION}. Restore it with the portal version that made it ({manifest.get('created_at')})."
        )
    return manifest


def existing_content() -> list[str]:
    """What the target database already holds beyond the empty site that `migrate` makes."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    base_page = ContentType.objects.get_for_model(Page)
    found = {
        "users": get_user_model().objects.count(),
        "pages": Page.objects.filter(depth__gt=1).exclude(content_type=base_page).count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
    }
    return [f"{count} {what}" for what, count in found.items() if count]


def check_migrations(manifest: dict, allow_older_schema: bool) -> list[str]:
    """Refuse a backup whose schema differs from this database's; return warnings."""
    backup = set(manifest["migrations"])
    here = set(applied_migrations())
    newer = sorted(backup - here)
    if newer:
        raise RestoreRefused(
            "The backup was made by a newer version of the portal (migrations unknown here: "
            f"{', '.join(newer[:5])}{' …' if len(newer) > 5 else ''}). Restore it with that version."
        )
    older = sorted(here - backup)
    if older and not allow_older_schema:
        raise RestoreRefused(
            "The backup was made by an older version of the portal (it lacks migrations "
            f"{', '.join(older[:5])}{' …' if len(older) > 5 else ''}). Restore it with the version that made "
            "it, then upgrade; or pass --allow-older-schema to load it into this schema as it is."
        )
    return [f"loaded into a newer schema: {len(older)} migrations were not applied to this data"] if older else []


def _recreate_missing_content_types(manifest: dict) -> None:
    """Content types of models removed since the backup, still named by old log entries."""
    for app_label, model in manifest["content_types"]:
        ContentType.objects.get_or_create(app_label=app_label, model=model)


def _extract(archive_path: Path, into: Path) -> None:
    with tarfile.open(archive_path, mode="r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()):
                raise RestoreRefused(f"The backup holds {member.name!r}, which is not a plain file.")
        # The "data" filter refuses absolute paths, parent references and special files.
        archive.extractall(into, filter="data")


def _copy_media(source: Path, media_root: Path) -> int:
    copied = 0
    if not source.is_dir():
        return copied
    for relative in media_files(source):
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target)
        copied += 1
    return copied


def current_counts(labels: Iterable[str]) -> dict[str, int]:
    counts = {}
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            counts[label] = -1
            continue
        counts[label] = model._base_manager.count()
    return counts


def count_differences(manifest: dict) -> list[str]:
    expected = manifest["counts"]
    found = current_counts(expected)
    return [
        f"{label}: backup has {expected[label]}, restored {'no such table' if found[label] < 0 else found[label]}"
        for label in expected
        if found[label] != expected[label]
    ]


def media_differences(manifest: dict, media_root: Path) -> list[str]:
    problems = []
    for entry in manifest["media"]["files"]:
        path = media_root / entry["path"]
        if not path.is_file():
            problems.append(f"missing file {entry['path']}")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"different content in {entry['path']}")
    still_missing = referenced_files(backed_up_models()) - {path.as_posix() for path in media_files(media_root)}
    known_missing = set(manifest.get("missing_media", []))
    problems.extend(f"no file for {path}" for path in sorted(still_missing - known_missing))
    return problems


def tree_problems() -> list[str]:
    bad_alpha, bad_path, orphans, bad_depth, bad_numchild = Page.find_problems()
    problems = {
        "bad paths": bad_alpha + bad_path,
        "orphans": orphans,
        "wrong depth": bad_depth,
        "wrong child count": bad_numchild,
    }
    return [f"page tree: {what} in pages {ids}" for what, ids in problems.items() if ids]


@dataclass
class RestoreResult:
    manifest: dict
    media_files_copied: int = 0
    warnings: list[str] = field(default_factory=list)


def restore_backup(
    archive_path: Path,
    *,
    force: bool = False,
    allow_older_schema: bool = False,
    rebuild_search_index: bool = True,
) -> RestoreResult:
    """Restore a backup into this database and MEDIA_ROOT, then check it against its manifest."""
    manifest = read_manifest(archive_path)
    call_command("migrate", interactive=False, verbosity=0)
    result = RestoreResult(manifest=manifest)
    result.warnings += check_migrations(manifest, allow_older_schema)
    already_there = existing_content()
    if already_there and not force:
        raise RestoreRefused(
            f"The database is not empty ({', '.join(already_there)}). Restore into an empty database, "
            "or pass --force to replace everything in it with the backup."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
        unpacked = Path(scratch)
        _extract(archive_path, unpacked)
        with transaction.atomic():
            # Empty every table (the rows that migrate made too: the backup has its own root
            # page, site, collections and groups), then recreate content types and permissions.
            call_command("flush", interactive=False, verbosity=0)
            _recreate_missing_content_types(manifest)
            call_command("loaddata", str(unpacked / DATA_NAME), verbosity=0)
            problems = count_differences(manifest) + tree_problems()
            if problems:
                raise RestoreCheckFailed("The restored data does not match the backup:\n" + "\n".join(problems))
        result.media_files_copied = _copy_media(unpacked / MEDIA_PREFIX, media_root)
    problems = media_differences(manifest, media_root)
    if problems:
        raise RestoreCheckFailed("The restored media files do not match the backup:\n" + "\n".join(problems))
    if manifest.get("missing_media"):
        result.warnings.append(
            f"{len(manifest['missing_media'])} files were already missing when the backup was made: "
            + ", ".join(manifest["missing_media"][:5])
        )
    # Copies that name the old data: where each site's root is, and every kept page and fragment
    # (keyed by the record's generations, so moving them on makes every copy unreachable).
    Site.clear_site_root_paths_cache()
    record.move_everything()
    quiet = io.StringIO()
    call_command("rebuild_references_index", verbosity=0, stdout=quiet)
    if rebuild_search_index:
        call_command("wagtail_update_index", verbosity=0, stdout=quiet)
    return result
