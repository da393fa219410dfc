"""The Atom feed of new and updated pages, read by a real feed parser."""

import feedparser
import pytest

from tests import factories
from tests.conftest import as_signed_off

pytestmark = pytest.mark.django_db


def parse(client):
    response = client.get("/en/feeds/updates/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content)


def test_feed_is_valid_atom_with_review_dates(client):
    hub = factories.SectionPageFactory(title="Widget treatments")
    page = factories.TherapyTypePageFactory(parent=hub, title="Widget therapy")
    factories.TherapyTypePageFactory(parent=hub, title="Widget vaccines")
    page = as_signed_off(page.url.removeprefix("/en"))
    feed = parse(client)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title.endswith("new and updated pages")
    entry = next(entry for entry in feed.entries if entry.title == "Widget therapy")
    assert entry.link == "http://testserver/en/widget-treatments/widget-therapy/"
    assert entry.id.startswith("tag:testserver,2026:page-")
    assert entry.updated_parsed and entry.published_parsed
    assert "Page last reviewed 20 November 2026 by Rita Rao" in entry.summary and "Next review due" in entry.summary
    assert entry["portal_nextreviewdue"] == page.next_review_due.isoformat()
    unreviewed = next(entry for entry in feed.entries if entry.title == "Widget vaccines")
    assert "Not yet checked by a clinician." in unreviewed.summary and "last reviewed" not in unreviewed.summary


def test_latest_publish_comes_first_and_drafts_never_show(client):
    page, draft, unpublished = (factories.ArticlePageFactory() for _ in range(3))
    page.title = "How widgets work, updated"
    page.save_revision().publish()
    draft.title = "Widgets FEED-DRAFT-MARKER"
    draft.save_revision()
    unpublished.unpublish()
    feed = parse(client)
    assert feed.entries[0].title == "How widgets work, updated"
    titles = [entry.title for entry in feed.entries]
    assert "Widgets FEED-DRAFT-MARKER" not in titles
    assert unpublished.title not in titles
