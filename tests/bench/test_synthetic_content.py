"""generate_synthetic_content (the benchmark's, installed only by bench/settings.py): real published
pages with realistic bodies, found by search, removable."""

import io

import pytest

from django.core.management import call_command

from wagtail.models import Page, PageLogEntry, ReferenceIndex

from bench.synthetic.management.commands.generate_synthetic_content import (
    HUB_SLUG,
    KEY_PREFIX,
    Command,
    synthetic_name,
)
from education.models import FAQ, ArticlePage, ConditionPage, GlossaryTerm, Reference, TherapyTypePage

pytestmark = pytest.mark.django_db

EXPECTED_BLOCKS = {"heading", "text", "key_points", "urgent", "faqs", "sources"}


def generate(**options) -> str:
    out = io.StringIO()
    # The command object itself: the app that holds it is not installed outside the benchmark.
    call_command(Command(), stdout=out, **options)
    return out.getvalue()


def synthetic_pages(home) -> list[Page]:
    hub = home.get_children().get(slug=HUB_SLUG)
    return list(Page.objects.descendant_of(hub).filter(depth=hub.depth + 2).order_by("path").specific())


def test_creates_live_pages_with_revisions_and_realistic_bodies(home, client):
    generate(pages=20)

    pages = synthetic_pages(home)
    assert len(pages) == 20
    assert {type(page) for page in pages} == {ArticlePage, TherapyTypePage, ConditionPage}
    assert Page.find_problems() == ([], [], [], [], [])
    real_page_ids = set(Page.objects.live().exclude(url_path__contains=f"/{HUB_SLUG}/").values_list("pk", flat=True))
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id == page.latest_revision_id
        assert page.revisions.count() == 1
        assert page.live_revision.as_object().title == page.title
        assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()
        assert ReferenceIndex.get_references_for_object(page).exists()
        assert {block.block_type for block in page.body} >= EXPECTED_BLOCKS
        texts = " ".join(block.value.source for block in page.body if block.block_type == "text")
        linked = {int(part.split('"')[0]) for part in texts.split('linktype="page" id="')[1:]}
        assert linked and linked <= real_page_ids
        assert len(page.cited_references) == 4
    pages[0].full_clean()  # the bulk path writes what validation would accept
    therapy = next(page for page in pages if isinstance(page, TherapyTypePage) and page.used_for.exists())
    assert all(isinstance(condition, ConditionPage) for condition in therapy.used_for.all())

    # In proportion: one synthetic FAQ, glossary term and reference per ten pages.
    assert FAQ.objects.filter(key__startswith=KEY_PREFIX).count() == 2
    assert GlossaryTerm.objects.filter(slug__startswith=KEY_PREFIX).count() == 2
    assert Reference.objects.filter(key__startswith=KEY_PREFIX).count() == 2

    for page in [*pages[:3], pages[8], pages[0].get_parent(), pages[0].get_parent().get_parent()]:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
    body = client.get(pages[0].url).content.decode()
    assert 'class="glossary-term"' in body
    assert "Common questions" in body

    word = synthetic_name(0).lower()
    response = client.get("/en/search/", {"q": word})
    assert pages[0].url in response.content.decode()


def test_tops_up_and_removes(home, client):
    generate(pages=10)
    assert "Created 0 synthetic pages" in generate(pages=10)
    generate(pages=13)
    pages = synthetic_pages(home)
    assert len(pages) == 13
    assert len({page.slug for page in pages}) == 13

    generate(remove=True)

    assert not home.get_children().filter(slug=HUB_SLUG).exists()
    assert not Page.objects.filter(pk__in=[page.pk for page in pages]).exists()
    assert not FAQ.objects.filter(key__startswith=KEY_PREFIX).exists()
    assert not GlossaryTerm.objects.filter(slug__startswith=KEY_PREFIX).exists()
    assert not Reference.objects.filter(key__startswith=KEY_PREFIX).exists()
    assert not PageLogEntry.objects.filter(page_id__in=[page.pk for page in pages]).exists()
    response = client.get("/en/search/", {"q": synthetic_name(0).lower()})
    assert "/en/synthetic/" not in response.content.decode()


def test_is_deterministic(home):
    def content() -> list:
        # Synthetic snippets get new ids when made again, so FAQ and source choices are compared by type.
        stable = {"heading", "text", "key_points", "urgent"}
        return [
            (
                page.title,
                [(block["type"], block["value"] if block["type"] in stable else None) for block in page.body.raw_data],
            )
            for page in synthetic_pages(home)
        ]

    generate(pages=3)
    first = content()
    generate(remove=True)
    generate(pages=3)
    assert content() == first
