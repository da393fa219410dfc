from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.restore import RestoreCheckFailed, RestoreRefused, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_site into an empty database and MEDIA_ROOT, rebuild the "
        "search and reference indexes, and check the result against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The .tar.gz file that backup_site wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that already holds content. Back it up first.",
        )
        parser.add_argument(
            "--allow-older-schema",
            action="store_true",
            help="Load a backup made before this version's newest migrations into the current schema.",
        )
        parser.add_argument(
            "--skip-search-index", action="store_true", help="Leave the search index to a later wagtail_update_index."
        )

    def handle(self, *args, backup: Path, force: bool, allow_older_schema: bool, skip_search_index: bool, **options):
        if not backup.is_file():
            raise CommandError(f"{backup} does not exist.")
        try:
            result = restore_backup(
                backup,
                force=force,
                allow_older_schema=allow_older_schema,
                rebuild_search_index=not skip_search_index,
            )
        except (RestoreRefused, RestoreCheckFailed) as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        summary = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in manifest["summary"].items())
        self.stdout.write(f"Restored the backup of {manifest['created_at']}: {summary}")
        self.stdout.write(f"and {result.media_files_copied} media files; every count matches the manifest.")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(self.style.SUCCESS("Restore complete. Restart the app servers to drop cached data."))
