from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.backup import create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded media to one .tar.gz file that restore_site can load "
        "into SQLite or PostgreSQL. See docs/operations.md."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--output", type=Path, help="The file to write (a .tar.gz).")
        target.add_argument(
            "--output-dir",
            type=Path,
            default=Path("backups"),
            help="Write portal-backup-<date>-<time>.tar.gz in this folder (default: backups).",
        )

    def handle(self, *args, output: Path | None, output_dir: Path, **options):
        if output is None:
            output = output_dir / f"portal-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        result = create_backup(output)
        manifest = result.manifest
        summary = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in manifest["summary"].items())
        media = manifest["media"]
        self.stdout.write(f"Backed up {summary}")
        self.stdout.write(f"and {len(media['files'])} media files ({media['total_bytes']:,} bytes)")
        for path in manifest["missing_media"]:
            self.stderr.write(f"warning: {path} is named in the database but missing from MEDIA_ROOT")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path}"))
