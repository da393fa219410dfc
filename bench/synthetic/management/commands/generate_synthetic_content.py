"""Create realistic synthetic pages, FAQs, glossary terms and references for measuring how the
portal scales (`make bench`). Never run by `make run`: these pages are not patient information.

Everything synthetic lives under one hub page (/synthetic/), in groups of GROUP_SIZE pages so no
listing grows without bound, and every synthetic snippet's key starts with "synthetic-", so
`--remove` finds exactly what this command made. The same seed gives the same pages.
"""

import datetime
import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.text import slugify

from modelcluster.models import ClusterableModel
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, Site
from wagtail.search import index as search_index
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry
from wagtail.search.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from education.loader.loading import loading_content
from education.models import (
    FAQ,
    ArticlePage,
    ConditionPage,
    FAQTopic,
    GlossaryTerm,
    Reference,
    SectionPage,
    TherapyTypePage,
)

HUB_SLUG = "synthetic"
# A third of the real pages mention fever, so a third of these do: searching for a common symptom
# then finds a realistic share of the site. The others name another symptom in the same places.
FEVER_SHARE = 0.35
OTHER_SYMPTOMS = ["headache", "rash", "cough"]
GROUP_SIZE = 50
KEY_PREFIX = "synthetic-"
# One synthetic FAQ, glossary term and reference for every SNIPPETS_PER pages.
SNIPPETS_PER = 10
DEFAULT_SEED = 8
# Six articles, two therapy-type pages and two condition pages in every ten.
PAGE_KINDS = ["article"] * 6 + ["therapy"] * 2 + ["condition"] * 2
INDEX_CHUNK = 200
REVIEW_BASE_DATE = datetime.date(2025, 1, 6)

SYLLABLES = [
    "ba", "co", "da", "fe", "gi", "ha", "ji", "ka", "lo", "me",
    "ni", "po", "ra", "se", "tu", "va", "we", "xo", "yu", "zi",
]  # fmt: skip
TERM_ENDINGS = ["cyte", "kine", "gen", "lin", "sin"]
MEDICINE_ENDINGS = ["mab", "cel", "leukin", "feron"]

# Plain-language sentences in the content's own voice. {term} becomes a glossary word, so the
# glossary marker has work to do on every page, as it has on the real ones.
SENTENCES = [
    "Your {term} helps your body notice cells that have gone wrong.",
    "Some people get a fever in the first few days after a dose.",
    "Tell your care team about any new symptom, even a small one.",
    "Your team will check your blood before each treatment.",
    "The {term} can make your skin itch or turn red.",
    "Most side effects can be treated if they are found early.",
    "A fever or chills can be a sign of an infection or an immune reaction.",
    "You may feel tired for a few weeks. Rest when you need to.",
    "Keep a note of how you feel each day, and bring it to your visits.",
    "Doctors sometimes call this reaction {term}.",
    "Results are different for each person, and it can take months to know if it works.",
    "Drink plenty of fluids unless your team tells you not to.",
    "Your {term} may stay more active for months after treatment ends.",
    "Some medicines, such as steroids, can calm an immune reaction.",
    "Ask your team who to call at night and at weekends.",
    "Tell any doctor or nurse you see that you have had immunotherapy.",
    "A blood test can show if your {term} is working as expected.",
    "If you have a fever after treatment, call your team the same day.",
    "Gentle exercise, like a short walk, can help with tiredness.",
    "Some side effects start weeks or months after the last dose.",
]
LINK_SENTENCES = [
    "Read more about {link}.",
    "There is more about this on the page about {link}.",
    "See {link} for what to look out for.",
]
KEY_POINTS = [
    "Call your team about any new or worse symptom.",
    "Side effects can start at any time, even after treatment ends.",
    "Most side effects can be treated if found early.",
    "Do not treat side effects yourself.",
    "Carry your alert card with you.",
    "Results are different for each person.",
    "Keep all your check-up appointments.",
]
DOS = ["Keep a symptom diary", "Carry your alert card", "Ask questions at every visit", "Rest when you are tired"]
DONTS = ["Start new medicines without asking", "Wait for your next visit to report a fever", "Ignore a new rash"]
SYMPTOMS = [
    ("A fever or chills", "Call your team today.", "same_day"),
    ("Diarrhoea or tummy pain", "Call your team today.", "same_day"),
    ("A new cough or feeling short of breath", "Call your team today.", "same_day"),
    ("Chest pain or a racing heartbeat", "Call the emergency number now.", "emergency"),
    ("Mild tiredness or itching", "Tell your team at your next contact.", "contact_team"),
]
URGENT = [
    ("emergency", "Call the emergency number now if you have", ["chest pain", "bad trouble breathing", "a fit"]),
    ("same_day", "Call your team today if you have", ["a fever", "diarrhoea", "a new cough", "yellow skin"]),
    ("contact_team", "Tell your team soon if you have", ["mild tiredness", "dry skin", "aching joints"]),
]
ARTICLE_TITLES = [
    "Living with {name}",
    "Questions about {name}",
    "Eating well while you have {name} treatment",
    "Your first {name} appointment",
    "Side effects of {name} treatment",
    "Work, travel and {name}",
]
HEADINGS = [
    "What is it?",
    "How is it given?",
    "What happens at your visits?",
    "Side effects to watch for",
    "Looking after yourself",
    "After treatment ends",
    "When to get help",
]
FAQ_TEMPLATES = [
    (
        "Can {name} treatment cause a fever?",
        "Sometimes. A fever after {name} treatment can be a sign of an infection or an immune reaction, "
        "so call your team the same day.",
    ),
    (
        "How long does {name} treatment take?",
        "Most people have it every few weeks for up to two years. Your team will tell you your own plan.",
    ),
    (
        "Can I work during {name} treatment?",
        "Many people keep working. Rest when you are tired and tell your team if a side effect gets in the way.",
    ),
]
PUBLISHERS = ["Journal of Synthetic Immunology", "Synthetic Cancer Care Review", "Example Health Institute"]


def synthetic_name(number: int) -> str:
    """A made-up medical word, different for every number: three syllables and an ending."""
    size = len(SYLLABLES) ** 3
    # Multiplying by a number coprime to `size` shuffles the syllables without repeating any.
    block, position = divmod(number, size)
    mixed = (position + 1) * 7919 % size
    first, rest = divmod(mixed, len(SYLLABLES) ** 2)
    second, third = divmod(rest, len(SYLLABLES))
    ending = TERM_ENDINGS[block % len(TERM_ENDINGS)] + "a" * (block // len(TERM_ENDINGS))
    return (SYLLABLES[first] + SYLLABLES[second] + SYLLABLES[third] + ending).capitalize()


class Command(BaseCommand):
    help = (
        "Create (top up to) N realistic synthetic published pages under /synthetic/, with synthetic "
        "FAQs, glossary terms and references, for measuring scale. --remove deletes them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=100, help="How many synthetic pages there should be.")
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic page and snippet.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed for the random choices.")

    def handle(self, *args, pages: int, remove: bool, seed: int, **options):
        started = time.monotonic()
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("No default site: run `manage.py load_content` first.")
        if pages < 0:
            raise CommandError("--pages must be zero or more.")
        generator = SyntheticContent(site.root_page, seed)
        if remove:
            removed = generator.remove()
            self.stdout.write(f"Removed {removed} synthetic pages and their snippets.")
        else:
            # Made-up content goes live as loaded content does: not checked by a clinician, and shown so.
            with loading_content():
                created = generator.top_up(pages, progress=self.stdout.write if options["verbosity"] > 1 else None)
            self.stdout.write(f"Created {created} synthetic pages; {generator.page_count()} in all under /{HUB_SLUG}/.")
        self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")


@contextmanager
def search_index_paused() -> Iterator[None]:
    """Skip the per-save search index updates; the caller indexes (or unindexes) in bulk.

    A page is saved three times on its way to publication (created, revision, published), and
    each save would otherwise re-index it.
    """
    models = [model for model in search_index.get_indexed_models() if getattr(model, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
            post_delete.connect(post_delete_signal_handler, sender=model)


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _index(model, ids: list[int]) -> None:
    for backend in get_search_backends(with_auto_update=True):
        for chunk in _chunks(ids, INDEX_CHUNK):
            backend.add_bulk(model, list(model.objects.filter(pk__in=chunk)))


class SyntheticContent:
    """Creates and removes the synthetic pages and snippets below one home page."""

    def __init__(self, home: Page, seed: int):
        self.home = home
        self.seed = seed
        self.made_groups: list[int] = []

    # -- finding what exists ---------------------------------------------------------------

    def hub(self) -> Page | None:
        return self.home.get_children().filter(slug=HUB_SLUG).first()

    def page_count(self) -> int:
        hub = self.hub()
        return Page.objects.descendant_of(hub).filter(depth=hub.depth + 2).count() if hub else 0

    # -- removing --------------------------------------------------------------------------

    def remove(self) -> int:
        hub = self.hub()
        count = self.page_count()
        with transaction.atomic(), search_index_paused():
            if hub is not None:
                ids = list(Page.objects.descendant_of(hub, inclusive=True).values_list("pk", flat=True))
                self._unindex(ids)
                hub.delete()
                PageLogEntry.objects.filter(page_id__in=ids).delete()
            for model in (FAQ, GlossaryTerm, Reference):
                key = "slug" if model is GlossaryTerm else "key"
                synthetic = model.objects.filter(**{f"{key}__startswith": KEY_PREFIX})
                self._unindex_snippets(model, list(synthetic.values_list("pk", flat=True)))
                synthetic.delete()
            FAQTopic.objects.filter(slug=f"{KEY_PREFIX}questions").delete()
        return count

    def _unindex(self, page_ids: list[int]) -> None:
        for backend in get_search_backends(with_auto_update=True):
            for chunk in _chunks(page_ids, INDEX_CHUNK):
                for page in Page.objects.filter(pk__in=chunk).specific():
                    backend.delete(page)

    def _unindex_snippets(self, model, ids: list[int]) -> None:
        for backend in get_search_backends(with_auto_update=True):
            for instance in model.objects.filter(pk__in=ids):
                backend.delete(instance)

    # -- creating --------------------------------------------------------------------------

    def top_up(self, target: int, progress=None) -> int:
        """Create pages until there are `target` synthetic pages; returns how many were made."""
        existing = self.page_count()
        if existing >= target:
            return 0
        # The search and reference indexes are written once per page at the end, not per save.
        with search_index_paused(), disable_reference_index_auto_update():
            self._top_up_snippets(max(1, target // SNIPPETS_PER))
            self._load_choices()
            hub = self.hub() or self._create_hub()
            made: list[Page] = []
            start = existing
            while start < target:
                # A top-up may start part-way through a group; a group never passes GROUP_SIZE.
                group_number = start // GROUP_SIZE
                end = min(target, (group_number + 1) * GROUP_SIZE)
                made.extend(self._create_pages(self._group(hub, group_number), range(start, end)))
                if progress:
                    progress(f"  {end} pages")
                start = end
            self._index_pages(made, hub)
        _refresh_planner_statistics()
        return target - existing

    def _create_hub(self) -> Page:
        hub = SectionPage(
            title="Synthetic pages for measurement",
            slug=HUB_SLUG,
            search_description="Made-up pages for measuring the portal's speed. Not patient information.",
            show_in_menus=False,
            live=False,
        )
        with transaction.atomic():
            self.home.add_child(instance=hub)
            hub.save_revision().publish()
        return hub

    def _group(self, hub: Page, group_number: int) -> Page:
        slug = f"group-{group_number + 1:03d}"
        existing = hub.get_children().filter(slug=slug).first()
        if existing:
            return existing
        group = SectionPage(
            title=f"Synthetic group {group_number + 1}",
            slug=slug,
            search_description=f"Synthetic pages {group_number * GROUP_SIZE + 1} to {(group_number + 1) * GROUP_SIZE}.",
            live=False,
        )
        with transaction.atomic():
            hub.add_child(instance=group)
            group.save_revision().publish()
            self.made_groups.append(group.pk)
        return group

    def _load_choices(self) -> None:
        """What synthetic bodies link to and cite: the real pages and every snippet."""
        hub = self.hub()
        real_pages = Page.objects.live().descendant_of(self.home).filter(depth__gt=self.home.depth)
        if hub is not None:
            real_pages = real_pages.exclude(path__startswith=hub.path)
        self.real_pages = list(real_pages.order_by("path").values_list("pk", "title"))
        if not self.real_pages:
            raise CommandError("No content pages to link to: run `manage.py load_content` first.")
        self.faq_ids = list(FAQ.objects.order_by("pk").values_list("pk", flat=True))
        self.reference_ids = list(Reference.objects.order_by("pk").values_list("pk", flat=True))
        terms = GlossaryTerm.objects.order_by("pk").values_list("term", flat=True)
        self.terms = [term if term.isupper() else term.lower() for term in terms]

    def _top_up_snippets(self, target: int) -> None:
        topic, _ = FAQTopic.objects.get_or_create(
            slug=f"{KEY_PREFIX}questions", defaults={"name": "Synthetic questions", "sort_order": 999}
        )
        sections = Page.objects.live().child_of(self.home).exclude(slug=HUB_SLUG)
        link_targets = list(sections.order_by("path").values_list("pk", "title")) or [(self.home.pk, self.home.title)]
        real_references = list(Reference.objects.exclude(key__startswith=KEY_PREFIX).order_by("pk").only("pk"))
        with transaction.atomic():
            made = {"terms": [], "references": [], "faqs": []}
            for number in range(GlossaryTerm.objects.filter(slug__startswith=KEY_PREFIX).count(), target):
                name = synthetic_name(number)
                term = GlossaryTerm.objects.create(
                    term=name,
                    slug=f"{KEY_PREFIX}{slugify(name)}",
                    also_known_as=f"{name}s",
                    definition=f"A made-up word for measuring the portal: a kind of {random.Random(number).choice(['protein', 'white blood cell', 'marker'])}.",
                )
                made["terms"].append(term.pk)
            for number in range(Reference.objects.filter(key__startswith=KEY_PREFIX).count(), target):
                rng = random.Random(f"{self.seed}-reference-{number}")
                reference = Reference.objects.create(
                    key=f"{KEY_PREFIX}ref-{number + 1:05d}",
                    authors=f"{synthetic_name(number + 5000)} A, {synthetic_name(number + 9000)} B",
                    title=f"Outcomes of {synthetic_name(number).lower()} treatment in {rng.randint(20, 900)} adults",
                    publisher=rng.choice(PUBLISHERS),
                    year=rng.randint(2015, 2025),
                    volume_pages=f"{rng.randint(1, 40)}:{rng.randint(100, 9999)}",
                    url=f"https://example.org/synthetic/{number + 1}",
                )
                made["references"].append(reference.pk)
            existing_faqs = FAQ.objects.filter(key__startswith=KEY_PREFIX).count()
            for number in range(existing_faqs, target):
                rng = random.Random(f"{self.seed}-faq-{number}")
                page_pk, page_title = rng.choice(link_targets)
                name = synthetic_name(number).lower()
                question, answer = FAQ_TEMPLATES[number % len(FAQ_TEMPLATES)]
                faq = FAQ(
                    key=f"{KEY_PREFIX}faq-{number + 1:05d}",
                    topic=topic,
                    question=question.format(name=name),
                    answer=(
                        f'<p>{answer.format(name=name)} Read <a linktype="page" id="{page_pk}">{page_title}</a>.</p>'
                    ),
                    sort_order=number,
                )
                faq.references = rng.sample(real_references, min(2, len(real_references)))
                faq.save()  # with its references: the FAQ is a cluster
                made["faqs"].append(faq.pk)
        _index(GlossaryTerm, made["terms"])
        _index(Reference, made["references"])
        _index(FAQ, made["faqs"])

    def _create_pages(self, group: Page, numbers: range) -> list[Page]:
        """Create and publish one group's pages, writing what `add_child`, `save_revision` and
        `publish` would write (tree position, page rows, a revision, a publish log entry), in a
        few bulk statements instead of about sixty queries a page."""
        conditions = list(ConditionPage.objects.child_of(group).order_by("path"))
        now = timezone.now()
        pages = []
        with transaction.atomic():
            for number, path in zip(numbers, _child_paths(group, len(numbers)), strict=True):
                page = self._build_page(number, conditions)
                page.path, page.depth, page.numchild = path, group.depth + 1, 0
                page.locale_id = group.locale_id
                page.set_url_path(group)
                page.draft_title = page.title
                page.live, page.has_unpublished_changes = True, False
                page.first_published_at = page.last_published_at = page.latest_revision_created_at = now
                # Page.save() would look up the parent and validate every foreign key again;
                # modelcluster's save still writes the page and commits `used_for`.
                ClusterableModel.save(page, force_insert=True)
                if isinstance(page, ConditionPage):
                    conditions.append(page)
                pages.append(page)
            Page.objects.filter(pk=group.pk).update(numchild=F("numchild") + len(pages))
            revisions = Revision.objects.bulk_create(
                Revision(
                    content_object=page,
                    base_content_type=page.get_base_content_type(),
                    content=page.serializable_data(),
                    object_str=str(page),
                    created_at=now,
                )
                for page in pages
            )
            for page, revision in zip(pages, revisions, strict=True):
                page.latest_revision = page.live_revision = revision
            Page.objects.bulk_update(pages, ["latest_revision", "live_revision"])
            PageLogEntry.objects.bulk_create(
                PageLogEntry(
                    content_type=page.content_type,
                    label=page.get_admin_display_title(),
                    action="wagtail.publish",
                    timestamp=now,
                    revision=revision,
                    content_changed=True,
                    page=page,
                )
                for page, revision in zip(pages, revisions, strict=True)
            )
            for page, revision in zip(pages, revisions, strict=True):
                # What the page cache and other listeners hear from a publish, on commit as Wagtail does.
                transaction.on_commit(
                    lambda page=page, revision=revision: page_published.send(
                        sender=page.specific_class, instance=page, revision=revision
                    )
                )
        return pages

    def _build_page(self, number: int, conditions: list[ConditionPage]) -> Page:
        rng = random.Random(f"{self.seed}-page-{number}")
        symptom = "fever" if rng.random() < FEVER_SHARE else rng.choice(OTHER_SYMPTOMS)
        name = synthetic_name(number)
        kind = PAGE_KINDS[number % len(PAGE_KINDS)]
        words: dict = {}
        if kind == "article":
            title = rng.choice(ARTICLE_TITLES).format(name=name.lower())
            model, words["title"] = ArticlePage, title[:1].upper() + title[1:]
        elif kind == "therapy":
            model, words["title"] = TherapyTypePage, f"{name} therapy"
            words.update(
                how_it_works=self._paragraphs(rng, 2),
                how_given=self._paragraphs(rng, 1),
                common_side_effects=self._paragraphs(rng, 1) + "<ul><li>Tiredness</li><li>A fever</li></ul>",
                serious_side_effects=[self._urgent(rng), self._symptom_table(rng)],
                questions=[
                    {"type": "question", "value": f"How often will I have {name.lower()} therapy?"},
                    {"type": "question", "value": "Which side effects should I call about straight away?"},
                ],
                medicines=[
                    {
                        "type": "medicine",
                        "value": {
                            "generic_name": f"{synthetic_name(number + 3000).lower()}{rng.choice(MEDICINE_ENDINGS)}",
                            "brand_name": synthetic_name(number + 6000),
                            "note": "A made-up medicine.",
                        },
                    }
                ],
            )
        else:
            model, words["title"] = ConditionPage, f"{name} disease"
            words["condition_group"] = rng.choice([group for group, _ in ConditionPage.GROUPS])
        words["search_description"] = (
            f"Made-up page {number + 1} for measuring the portal: what {name.lower()} is, its side effects "
            "such as fever, and when to call your care team."
        )
        words["body"] = self._body(rng, name)
        if symptom != "fever":
            words = json.loads(json.dumps(words).replace("fever", symptom))
        page = model(**words)
        if kind == "therapy":
            page.used_for = rng.sample(conditions, min(2, len(conditions)))
        page.slug = f"{slugify(page.title)}-{number + 1}"
        last_reviewed = REVIEW_BASE_DATE + datetime.timedelta(days=rng.randint(0, 300))
        page.last_reviewed = last_reviewed
        page.next_review_due = last_reviewed + datetime.timedelta(days=365)
        page.reviewed_by = "Synthetic content (not reviewed)"
        references = rng.sample(self.reference_ids, min(4, len(self.reference_ids)))
        page.references = [{"type": "reference", "value": pk} for pk in references]
        related = rng.sample(self.real_pages, min(2, len(self.real_pages)))
        page.related_pages = [{"type": "page", "value": pk} for pk, _ in related]
        return page

    # -- bodies ----------------------------------------------------------------------------

    def _sentence(self, rng: random.Random) -> str:
        return rng.choice(SENTENCES).format(term=rng.choice(self.terms))

    def _link(self, rng: random.Random) -> str:
        pk, title = rng.choice(self.real_pages)
        return rng.choice(LINK_SENTENCES).format(link=f'<a linktype="page" id="{pk}">{title.lower()}</a>')

    def _paragraphs(self, rng: random.Random, count: int) -> str:
        paragraphs = []
        for _ in range(count):
            sentences = [self._sentence(rng) for _ in range(rng.randint(3, 5))]
            if rng.random() < 0.6:
                sentences.append(self._link(rng))
            paragraphs.append(f"<p>{' '.join(sentences)}</p>")
        return "".join(paragraphs)

    def _urgent(self, rng: random.Random) -> dict:
        level, heading, symptoms = rng.choice(URGENT)
        items = "".join(f"<li>{symptom}</li>" for symptom in symptoms)
        return {
            "type": "urgent",
            "value": {
                "level": level,
                "heading": heading,
                "text": f"<ul>{items}</ul><p>Say you have had immunotherapy.</p>",
            },
        }

    def _symptom_table(self, rng: random.Random) -> dict:
        rows = rng.sample(SYMPTOMS, 3)
        return {
            "type": "symptom_table",
            "value": {
                "caption": "What to do about a symptom, and how fast",
                "rows": [
                    {"symptom": symptom, "action": action, "urgency": urgency} for symptom, action, urgency in rows
                ],
            },
        }

    def _body(self, rng: random.Random, name: str) -> list[dict]:
        headings = rng.sample(HEADINGS, 4)
        body = [
            {"type": "key_points", "value": {"heading": "Key points", "points": rng.sample(KEY_POINTS, 4)}},
            {"type": "heading", "value": {"text": headings[0], "level": "2"}},
            {
                "type": "text",
                "value": f"<p>{name} is a made-up word. {self._sentence(rng)}</p>" + self._paragraphs(rng, 2),
            },
            {"type": "heading", "value": {"text": headings[1], "level": "2"}},
            {"type": "text", "value": self._paragraphs(rng, 2)},
            rng.choice(
                [
                    {
                        "type": "callout",
                        "value": {"kind": "info", "heading": "Good to know", "text": self._paragraphs(rng, 1)},
                    },
                    {
                        "type": "details",
                        "value": {"summary": f"What does {name.lower()} mean?", "text": self._paragraphs(rng, 1)},
                    },
                    {"type": "do_dont", "value": {"do": rng.sample(DOS, 2), "dont": rng.sample(DONTS, 2)}},
                ]
            ),
            {"type": "heading", "value": {"text": headings[2], "level": "2"}},
            {"type": "text", "value": self._paragraphs(rng, 1)},
            self._urgent(rng),
            {"type": "heading", "value": {"text": headings[3], "level": "3"}},
            {"type": "text", "value": self._paragraphs(rng, 1)},
            {
                "type": "faqs",
                "value": {"heading": "Common questions", "faqs": rng.sample(self.faq_ids, min(3, len(self.faq_ids)))},
            },
            {
                "type": "sources",
                "value": {
                    "heading": "Sources for this section",
                    "references": rng.sample(self.reference_ids, min(2, len(self.reference_ids))),
                },
            },
        ]
        if rng.random() < 0.3:
            body.insert(5, self._symptom_table(rng))
        return body

    # -- indexing --------------------------------------------------------------------------

    def _index_pages(self, pages: list[Page], hub: Page) -> None:
        """Search entries and reference-index rows, once per page, now that the pages are final."""
        by_model: dict[type, list[Page]] = {
            SectionPage: list(SectionPage.objects.filter(pk__in=[hub.pk, *self.made_groups]))
        }
        for page in pages:
            by_model.setdefault(type(page), []).append(page)
        for model, objects in by_model.items():
            for backend in get_search_backends(with_auto_update=True):
                for chunk in _chunks(objects, INDEX_CHUNK):
                    backend.add_bulk(model, chunk)
            with transaction.atomic():
                for page in objects:
                    ReferenceIndex.create_or_update_for_object(page)


def _refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL still plans with the old row counts until autovacuum gets
    round to it; analysing now measures the site as it will run, not as it runs in that gap."""
    if connection.vendor != "postgresql":
        return
    models = [Page, ArticlePage, TherapyTypePage, ConditionPage, SectionPage, Revision, PageLogEntry]
    models += [ReferenceIndex, IndexEntry, FAQ, GlossaryTerm, Reference]
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
        # Also marks the search postings just written as visible to all, so that searches read
        # them from the index alone, as they will once autovacuum has been round. (VACUUM cannot
        # run inside a transaction, as it is in the tests.)
        postings = "portal_search_posting" in connection.introspection.table_names(cursor)
        if postings and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE) portal_search_posting")


def _child_paths(parent: Page, count: int) -> Iterator[str]:
    """The tree paths of `count` new last children of `parent`, as treebeard's add_child makes them."""
    last = parent.get_last_child()
    path = last.path if last else Page._get_path(parent.path, parent.depth + 1, 0)
    probe = Page(path=path)
    for _ in range(count):
        probe.path = probe._inc_path()
        yield probe.path
