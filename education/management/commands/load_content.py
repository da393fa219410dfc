from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from education.loader import ContentFileError, ContentReader, ContentSync

DEFAULT_CONTENT_DIR = Path(settings.BASE_DIR) / "education" / "content"


class Command(BaseCommand):
    help = (
        "Load the portal's pages and snippets from the content files. Safe to run again: unchanged "
        "files are skipped, a changed file becomes a new revision, editors' own pages are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--content-dir", type=Path, default=DEFAULT_CONTENT_DIR, help="Where the files are.")

    def handle(self, *args, dry_run: bool, content_dir: Path, **options):
        if not content_dir.is_dir():
            raise CommandError(f"No content folder at {content_dir}.")
        try:
            content = ContentReader(content_dir).read()
            report = ContentSync(content).run(dry_run=dry_run)
        except ContentFileError as error:
            raise CommandError(f"Content not loaded. {error}") from error
        heading = "Would change (dry run, nothing written):" if dry_run else "Content loaded:"
        self.stdout.write(heading)
        for line in report.lines():
            self.stdout.write(f"  {line}")
