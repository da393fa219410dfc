"""The record of change moves, in the database, with every change a reader could see, by whatever
route it is made, and only then: what each kind of change moves, and what it leaves alone."""

import pytest

from django.core import checks
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction, Site

from caching import record, triggers
from caching.models import ChangeRecord
from caching.watched import ADDRESS_PAGE_COLUMNS, DRAFT_ONLY_PAGE_COLUMNS, page_columns, watched_tables
from education.models import FAQ, GlossaryTerm, PortalSettings, Reference, TherapyTypePage
from integrations.models import EmbedSettings
from search.models import SearchSynonym
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

NOTHING, ANY_ONLY, BOTH = "nothing", "any change only", "both"


@pytest.fixture(autouse=True)
def content():
    """A therapy page used for a condition, in two hubs, an article, and one of each snippet."""
    types = factories.SectionPageFactory(title="Widget types")
    uses = factories.SectionPageFactory(title="Widget uses")
    disease = factories.ConditionPageFactory(parent=uses, title="Widget disease")
    factories.TherapyTypePageFactory(parent=types, title="Widget cytokines", used_for=[disease])
    factories.ArticlePageFactory(title="Widget aftercare")
    factories.GlossaryTermFactory(term="Widget cell")
    factories.FAQFactory(references=[factories.ReferenceFactory()])


def moved(change) -> str:
    before = record.current()
    change()
    after = record.current()
    if after == before:
        return NOTHING
    if after.sitewide_change == before.sitewide_change:
        return ANY_ONLY
    assert after.any_change != before.any_change, "the site-wide generation moved without the other"
    return BOTH


def publish(path: str, **changes):
    def change():
        page = page_at(path)
        for name, value in changes.items():
            setattr(page, name, value)
        page.save_revision().publish()

    return change


def test_republishing_a_pages_own_text_moves_only_the_any_change_generation():
    assert moved(publish("/en/widget-types/widget-cytokines/", title="Widget cytokines (new)")) == ANY_ONLY


@pytest.mark.parametrize(
    "change",
    [
        publish("/en/widget-types/widget-cytokines/", slug="widget-cytokine-therapy"),
        lambda: page_at("/en/widget-types/widget-cytokines/").unpublish(),
        lambda: page_at("/en/widget-types/widget-cytokines/").move(page_at("/en/widget-uses/"), pos="last-child"),
        lambda: page_at("/en/widget-aftercare/").delete(),
        lambda: page_at("/en/widget-types/widget-cytokines/").copy(update_attrs={"slug": "widget-cytokines-copy"}),
        lambda: page_at("/en/widget-types/widget-cytokines/").create_alias(update_slug="widget-cytokines-alias"),
    ],
    ids=["new address", "unpublish", "move", "delete", "copy", "alias"],
)
def test_a_pages_address_or_liveness_moves_both(change):
    assert moved(change) == BOTH


def test_the_home_pages_own_text_moves_both_as_it_is_kept_with_its_site():
    assert moved(publish("/", title="Immunotherapy (new)")) == BOTH


def test_saving_a_draft_or_locking_a_page_moves_nothing():
    page = page_at("/en/widget-types/widget-cytokines/")
    page.title = "A draft title"
    assert moved(page.save_revision) == NOTHING
    assert moved(lambda: Page.objects.filter(pk=page.pk).update(locked=True)) == NOTHING


def test_a_change_made_around_the_models_is_recorded_too():
    """QuerySet.update sends no signal; the database moves the record anyway."""
    cytokines = page_at("/en/widget-types/widget-cytokines/")
    assert moved(lambda: Page.objects.filter(pk=cytokines.pk).update(live=False)) == BOTH
    assert moved(lambda: TherapyTypePage.objects.filter(pk=cytokines.pk).update(how_given="<p>New</p>")) == ANY_ONLY
    with connection.cursor() as cursor:
        assert moved(lambda: cursor.execute("UPDATE education_glossaryterm SET definition = 'Raw SQL.'")) == BOTH


def test_which_conditions_a_therapy_is_used_for_is_a_pages_own_content():
    links = TherapyTypePage.used_for.through.objects.filter(
        therapytypepage=page_at("/en/widget-types/widget-cytokines/")
    )
    assert moved(links.delete) == ANY_ONLY


@pytest.mark.parametrize(
    "change",
    [
        lambda: PageViewRestriction.objects.create(page=page_at("/en/widget-types/"), restriction_type="login"),
        lambda: FAQ.objects.update(question="Changed?"),
        lambda: GlossaryTerm.objects.filter(slug="widget-cell").update(definition="Changed."),
        lambda: Reference.objects.update(year=2000),
        lambda: PortalSettings.objects.update(care_team_phone="0123 456 789"),
        lambda: EmbedSettings.load().save(),
        lambda: SearchSynonym.objects.create(term="keytrooda", expansion="pembrolizumab"),
        lambda: Site.objects.update(site_name="Renamed"),
        lambda: Image.objects.create(title="A diagram", file=get_test_image_file()),
    ],
    ids=["restriction", "faq", "glossary", "reference", "settings", "embed origins", "synonym", "site", "image"],
)
def test_what_every_page_shares_moves_both(change):
    assert moved(change) == BOTH


def test_a_restrictions_groups_are_recorded(django_user_model):
    from django.contrib.auth.models import Group

    restriction = PageViewRestriction.objects.create(page=page_at("/en/widget-types/"), restriction_type="groups")
    assert moved(lambda: restriction.groups.add(Group.objects.create(name="Ward 4"))) == BOTH


def test_a_change_that_rolls_back_takes_its_move_with_it_and_its_number_never_returns():
    before = record.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("/en/widget-types/widget-cytokines/", title="Never published")()
        rolled_back = record.current()
        assert rolled_back != before  # inside the change, its own copies are keyed apart
        raise RuntimeError("the editor's request failed")
    assert record.current() == before
    publish("/en/widget-types/widget-cytokines/", title="Published")()
    assert record.current().any_change not in (before.any_change, rolled_back.any_change)


def test_a_missing_record_starts_a_fresh_pair_nothing_was_kept_under():
    before = record.current()
    ChangeRecord.objects.all().delete()
    fresh = record.current()
    assert ChangeRecord.objects.count() == 1 and fresh.any_change != before.any_change


def test_a_safe_request_reads_the_record_once_and_everything_else_each_time(client, monkeypatch):
    reads = []
    real = record._read
    monkeypatch.setattr(record, "_read", lambda: reads.append(1) or real())
    client.get("/en/widget-types/widget-cytokines/")
    assert reads == [1]
    reads.clear()
    record.current(), record.current()
    assert reads == [1, 1]  # outside a request (a command, a shell): afresh each time


def test_the_read_goes_around_the_orm_in_one_statement():
    record.current()  # the first read on a connection prepares the statement
    with CaptureQueriesContext(connection) as captured:
        record.current()
    assert len(captured) == 0


class TestTriggers:
    def test_every_watched_table_has_its_triggers(self):
        assert triggers.expected() <= triggers.installed()
        tables = {table.table for table in watched_tables()}
        assert {"wagtailcore_page", "education_therapytypepage", "education_therapytypepage_used_for"} <= tables
        assert {"education_faq_references", "education_portalsettings", "integrations_embedsettings"} <= tables

    def test_a_missing_trigger_fails_the_database_check(self):
        name = sorted(triggers.installed())[0]
        table = next(trigger.table for trigger in triggers.planned_triggers(connection.vendor) if trigger.name == name)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER "{name}"' + (f' ON "{table}"' if connection.vendor == "postgresql" else ""))
        problems = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        assert [problem.id for problem in problems] == ["caching.E001"]
        triggers.install()
        assert not checks.run_checks(tags=[checks.Tags.database], databases=["default"])

    def test_the_page_columns_the_triggers_name_are_still_wagtails(self):
        """A Wagtail upgrade that renames one of these would silently change what moves the record."""
        columns = set(page_columns())
        assert set(DRAFT_ONLY_PAGE_COLUMNS) <= columns and set(ADDRESS_PAGE_COLUMNS) <= columns
