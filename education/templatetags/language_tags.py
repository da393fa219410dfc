"""The language switcher, the alternate-language links in the page's head, and the note a
translated page carries about the English version it was made from."""

from django import template
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page, Site

from education.translations import language_links, translation_status

register = template.Library()


def _links(context) -> list:
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    page = page if isinstance(page, Page) and page.pk and not getattr(request, "is_preview", False) else None
    site = Site.find_for_request(request)
    return language_links(
        page, site.root_page if site else None, lambda code: translate_url(request.get_full_path(), code)
    )


@register.inclusion_tag("components/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    return {"links": [link for link in _links(context) if not link.current]}


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list:
    """The page in each language it is public in (hreflang links): never a home page that only
    stands in for a missing translation."""
    return [link for link in _links(context) if link.same_page]


@register.inclusion_tag("components/translation_notice.html")
def translation_notice(page) -> dict:
    return {"status": translation_status(page) if isinstance(page, Page) else None}


@register.filter
def other_language(link: dict) -> str:
    """The language of a listed page when it is not the one being read (a Spanish page's link to a
    page that has no Spanish version yet), for its lang attribute and an "(in English)" note."""
    language = link.get("language", "") if isinstance(link, dict) else ""
    return language if language and language != translation.get_language() else ""
