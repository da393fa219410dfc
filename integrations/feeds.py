"""An Atom feed (RFC 4287) of new and updated pages, each with its review dates, one per language:
/en/feeds/updates/ lists English pages, /es/feeds/updates/ Spanish ones, each feed saying its
language (xml:lang) and titled in it."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from education.models import PortalSettings
from education.public import last_published, public_pages

FEED_LENGTH = 50


class ReviewedAtomFeed(Atom1Feed):
    """Atom with the next review date as an extra element per entry, for systems that track it."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("next_review_due"):
            handler.addQuickElement("portal:nextReviewDue", item["next_review_due"])

    def root_attributes(self):
        attributes = super().root_attributes()
        attributes["xmlns:portal"] = "https://schema.org/"
        return attributes


class UpdatedPagesFeed(Feed):
    feed_type = ReviewedAtomFeed
    description_template = "integrations/feed_item.html"
    cache_for_readers = True

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return PortalSettings.for_request(request)

    def title(self, portal_settings) -> str:
        # In the feed's language (its address's: portal/languages.py), as is its xml:lang.
        return gettext("%(organisation)s: immunotherapy information, new and updated pages") % {
            "organisation": portal_settings.organisation_name
        }

    def subtitle(self, portal_settings) -> str:
        return portal_settings.shown_standard_note

    def link(self) -> str:
        return self.request.build_absolute_uri(reverse("wagtail_serve", args=("",)))

    def feed_guid(self) -> str:
        return self.request.build_absolute_uri(reverse("feed_updates"))

    def author_name(self, portal_settings) -> str:
        return portal_settings.organisation_name

    def items(self):
        return public_pages(self.request).filter(depth__gt=2).specific().order_by("-last_published_at")[:FEED_LENGTH]

    def item_title(self, page) -> str:
        return page.title

    def item_link(self, page) -> str:
        return page.get_url(self.request)

    def item_guid(self, page) -> str:
        return f"tag:{self.request.get_host()},2026:page-{page.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, page):
        return page.first_published_at

    def item_updateddate(self, page):
        return page.last_published_at

    def item_extra_kwargs(self, page) -> dict:
        next_due = getattr(page, "next_review_due", None)
        return {"next_review_due": next_due.isoformat() if next_due else ""}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        latest = last_published(request)
        if latest:
            feed.feed["updateddate"] = latest
        return feed
