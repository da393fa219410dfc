"""The Atom feed of new and updated pages, read by a real feed parser."""

import feedparser
import pytest

from tests.conftest import as_signed_off, page_at

pytestmark = pytest.mark.django_db


def parse(client):
    response = client.get("/feeds/updates/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content)


def test_feed_is_valid_atom_with_review_dates(client):
    as_signed_off("/types/cytokines/")
    feed = parse(client)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title.endswith("new and updated pages")
    entry = next(entry for entry in feed.entries if entry.title == "Cytokines")
    page = page_at("/types/cytokines/")
    assert entry.link == "http://testserver/types/cytokines/"
    assert entry.id.startswith("tag:testserver,2026:page-")
    assert entry.updated_parsed and entry.published_parsed
    assert "Page last reviewed 20 November 2026 by Rita Rao" in entry.summary and "Next review due" in entry.summary
    assert entry["portal_nextreviewdue"] == page.next_review_due.isoformat()
    unreviewed = next(entry for entry in feed.entries if entry.title == "Cancer vaccines")
    assert "Not yet checked by a clinician." in unreviewed.summary and "last reviewed" not in unreviewed.summary


def test_latest_publish_comes_first_and_drafts_never_show(client):
    page = page_at("/how-it-works/")
    page.title = "How it works, updated"
    page.save_revision().publish()
    draft = page_at("/types/cytokines/")
    draft.title = "Cytokines FEED-DRAFT-MARKER"
    draft.save_revision()
    page_at("/after-treatment/").unpublish()
    feed = parse(client)
    assert feed.entries[0].title == "How it works, updated"
    titles = [entry.title for entry in feed.entries]
    assert "Cytokines FEED-DRAFT-MARKER" not in titles
    assert "After treatment ends" not in titles
