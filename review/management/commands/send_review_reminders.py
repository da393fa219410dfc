from django.core.management.base import BaseCommand

from review.reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail page owners and the reminder group about pages overdue or due soon for clinical review. "
        "Safe to run from cron daily: each page is mentioned at most once a week."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        run = send_review_reminders(dry_run=dry_run)
        for page in run.pages_without_recipients:
            # On stderr, so that cron mails it: nobody has been told about this page.
            self.stderr.write(f"No one to remind about {page.title!r} (id {page.pk}): no owner e-mail, empty group.")
        for email in run.failed:
            self.stderr.write(f"Could not send to {email}; will try again on the next run.")
        if verbosity >= 1 and (run.pages or dry_run):
            verb = "Would remind" if dry_run else "Reminded"
            self.stdout.write(
                f"{verb} {len(run.sent_to)} people about {len(run.pages)} pages "
                f"({run.skipped_recently_reminded} reminded in the last week)."
            )
        if run.failed:
            raise SystemExit(1)
