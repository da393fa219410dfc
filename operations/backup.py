"""Back up the whole site to one portable file, and restore it into an empty database.

A backup is a gzipped tar holding `manifest.json` (what is inside and how much of it),
`data.json` (every table that holds content, in Django's serialisation format) and `media/`
(every uploaded file). The data loads into SQLite or PostgreSQL alike: primary keys are kept,
because StreamField and rich text refer to pages, images and snippets by id, and only content
types and permissions, whose ids differ from one database to the next, are written by name.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import wagtail
from wagtail.models import Page, Revision, Site

from caching import record

FORMAT = "immunotherapy-portal-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"

# Their ids differ between databases, so references to them are written as natural keys.
NATURAL_KEY_MODELS = {"contenttypes.ContentType", "auth.Permission"}

# What a backup leaves out, and why. Everything else in the database is kept.
EXCLUDED_MODELS = {
    "contenttypes.ContentType": "recreated by migrate; referred to by app and model name",
    "auth.Permission": "recreated by migrate; referred to by codename",
    "sessions.Session": "everyone signs in again after a restore",
    "wagtailcore.ReferenceIndex": "rebuilt by rebuild_references_index after a restore",
    "wagtailadmin.EditingSession": "who has an editor open right now",
    "wagtailadmin.FormState": "short-lived preview state of open editors",
    "wagtailcore.UploadedFile": "half-finished uploads in the multiple uploader",
}
EXCLUDED_APPS = {
    "wagtailsearch": "the search index, rebuilt by wagtail_update_index after a restore",
    "axes": "login failures and lockouts: a restore must neither lock nor unlock anyone",
    "caching": "the record of change belongs to this database: a restore moves it on",
}


class RestoreRefused(Exception):
    """The restore would harm the target, or the backup does not fit this version of the portal."""


class RestoreCheckFailed(Exception):
    """The restored site does not match the backup's manifest."""


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows go into a backup, in a stable order."""
    chosen = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.label in EXCLUDED_MODELS or meta.app_label in EXCLUDED_APPS:
            continue
        chosen.append(model)
    return sorted(chosen, key=lambda model: model._meta.label)


def many_to_many_tables(chosen: Iterable[type[models.Model]]) -> dict[str, type[models.Model]]:
    """The automatic join tables (user groups, group permissions …), which are counted too."""
    tables = {}
    for model in chosen:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                tables[through._meta.label] = through
    return tables


class PortableSerializer(JSONSerializer):
    """Django's JSON serialiser, writing natural keys only for content types and permissions,
    and times to the microsecond (its encoder keeps milliseconds, which would reorder revisions)."""

    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return super()._value_from_field(obj, field)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model._meta.label in NATURAL_KEY_MODELS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model._meta.label in NATURAL_KEY_MODELS
        super().handle_m2m_field(obj, field)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(media_root: Path) -> list[Path]:
    """Regular files under MEDIA_ROOT, relative to it; symbolic links are not followed."""
    if not media_root.is_dir():
        return []
    found = []
    for directory, subdirectories, names in os.walk(media_root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(media_root))
    return found


def referenced_files(chosen: Iterable[type[models.Model]]) -> set[str]:
    """Media paths that rows point to (images, renditions, documents)."""
    paths = set()
    for model in chosen:
        for model_field in model._meta.local_fields:
            if isinstance(model_field, models.FileField):
                values = model._base_manager.exclude(**{model_field.attname: ""}).values_list(
                    model_field.attname, flat=True
                )
                paths.update(value for value in values if value)
    return paths


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def site_summary() -> dict[str, int]:
    """A few headline counts for people reading the manifest."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return {
        "pages": Page.objects.filter(depth__gt=1).count(),
        "live_pages": Page.objects.filter(depth__gt=1, live=True).count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def _count_rows(label: str, rows: Iterator, counts: dict[str, int]) -> Iterator:
    counts[label] = 0
    for row in rows:
        counts[label] += 1
        yield row


def _dump_database(data_path: Path) -> dict:
    """Write every backed-up table to data_path from one consistent snapshot; return the facts."""
    chosen = backed_up_models()
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, so a publish during the backup is wholly in or out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows = (
            row
            for model in chosen
            for row in _count_rows(
                model._meta.label, model._base_manager.order_by("pk").iterator(chunk_size=500), counts
            )
        )
        with data_path.open("w", encoding="utf-8") as stream:
            PortableSerializer().serialize(rows, stream=stream, use_natural_foreign_keys=True)
        for label, through in many_to_many_tables(chosen).items():
            counts[label] = through._base_manager.count()
        return {
            "migrations": applied_migrations(),
            "content_types": sorted([ct.app_label, ct.model] for ct in ContentType.objects.all()),
            "counts": dict(sorted(counts.items())),
            "summary": site_summary(),
            "referenced_files": sorted(referenced_files(chosen)),
        }


def _private(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    member.mode = 0o600
    return member


def _write_archive(path: Path, manifest: dict, data_path: Path, media_root: Path) -> None:
    # The backup holds password hashes and patients' feedback: readable by its owner only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive:
        manifest_bytes = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(manifest_bytes)
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(manifest_bytes))
        archive.add(data_path, arcname=DATA_NAME, recursive=False, filter=_private)
        for entry in manifest["media"]["files"]:
            archive.add(
                media_root / entry["path"], arcname=MEDIA_PREFIX + entry["path"], recursive=False, filter=_private
            )


def create_backup(output: Path) -> BackupResult:
    """Write a backup of the database and MEDIA_ROOT to `output` (a .tar.gz file)."""
    media_root = Path(settings.MEDIA_ROOT)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        data_path = Path(scratch, DATA_NAME)
        facts = _dump_database(data_path)
        # Media after the database: a file uploaded meanwhile is harmless extra, and a file
        # deleted meanwhile is reported below as missing.
        files = [
            {
                "path": relative.as_posix(),
                "size": (media_root / relative).stat().st_size,
                "sha256": sha256_of(media_root / relative),
            }
            for relative in media_files(media_root)
        ]
        stored = {entry["path"] for entry in files}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "django_version": django.get_version(),
            "wagtail_version": wagtail.__version__,
            "source_database": connection.vendor,
            "summary": facts["summary"],
            "counts": facts["counts"],
            "excluded": {**EXCLUDED_MODELS, **{f"{app} (whole app)": why for app, why in EXCLUDED_APPS.items()}},
            "media": {"files": files, "total_bytes": sum(entry["size"] for entry in files)},
            "missing_media": sorted(set(facts["referenced_files"]) - stored),
            "migrations": facts["migrations"],
            "content_types": facts["content_types"],
        }
        partial = output.with_name(output.name + ".partial")
        try:
            _write_archive(partial, manifest, data_path, media_root)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(output)
    return BackupResult(path=output, manifest=manifest)


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
