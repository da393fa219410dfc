from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from education.page_text import CEILING_GRADE, MAX_URGENT_FK_GRADE, excluded_terms, page_text, urgent_texts
from education.readability import score_text

HARDEST_SHOWN = 3
COLUMNS = ("Page", "FK grade", "SMOG", "Words", "Avg sentence", "Urgent FK", "Result")


class Command(BaseCommand):
    help = (
        "Print the reading scores of every live page (the same measure the content tests use), and "
        "the hardest sentences of any page over target."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="Exit with an error if any page is over target.")

    def handle(self, *args, fail: bool, **options):
        root = Site.objects.get(is_default_site=True).root_page
        rows, over_target = [], []
        for page in root.get_descendants(inclusive=True).live().specific().order_by("path"):
            excluded = excluded_terms(page)
            scores = score_text(page_text(page), excluded)
            # The hardest urgency callout decides; a page without one has nothing to check.
            urgent = max((score_text(text, excluded).fk_grade for text in urgent_texts(page)), default=None)
            passed = (
                scores.fk_grade <= CEILING_GRADE
                and scores.smog <= CEILING_GRADE
                and (urgent is None or urgent <= MAX_URGENT_FK_GRADE)
            )
            rows.append(
                (
                    page.url,
                    f"{scores.fk_grade:.1f}",
                    f"{scores.smog:.1f}",
                    str(scores.words),
                    f"{scores.average_sentence_length:.1f}",
                    "-" if urgent is None else f"{urgent:.1f}",
                    "pass" if passed else "FAIL",
                )
            )
            if not passed:
                over_target.append((page.url, scores.hardest_sentences[:HARDEST_SHOWN]))

        self.stdout.write(
            f"Targets: FK grade and SMOG <= {CEILING_GRADE}, urgency callouts FK grade <= "
            f"{MAX_URGENT_FK_GRADE}. Glossary terms and drug names are left out of the scores.\n"
        )
        self.write_table(rows)
        for url, sentences in over_target:
            self.stdout.write(f"\nHardest sentences on {url}:")
            for sentence in sentences:
                self.stdout.write(f"  - {sentence}")
        self.stdout.write(f"\n{len(rows) - len(over_target)} of {len(rows)} pages meet the targets.")
        if fail and over_target:
            raise CommandError(f"{len(over_target)} page(s) over the reading-level targets.")

    def write_table(self, rows: list[tuple[str, ...]]) -> None:
        widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        # The page path reads best left-aligned; the numbers line up on the right.
        for row in [COLUMNS, tuple("-" * width for width in widths), *rows]:
            path, *numbers = row
            self.stdout.write("  ".join([path.ljust(widths[0]), *map(str.rjust, numbers, widths[1:])]))
