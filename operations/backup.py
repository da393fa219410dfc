"""Back up the whole site to one portable file (operations/restore.py puts one back).

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
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import wagtail
from wagtail.models import Page, Revision, Site

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
