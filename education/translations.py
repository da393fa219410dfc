"""Pages in more than one language: which translations a reader can switch to, and whether a
translation still says what its English page says.

English is the source: a translated page records the English revision it was made from
(`TranslationMixin.translated_from`). When the English page has published a newer version, the
translation is stale, and says so, with a link to the English page, until it is translated again
and its clinical sign-off puts the new version live.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import translation

from wagtail.models import Page, Revision

from caching import record
from caching.fragments import cached, cached_in_worker

from .locales import language_of
from .navigation import page_link
from .public import visible


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language, as readers look for it
    url: str
    current: bool
    same_page: bool  # False: the page has no public translation, and the link goes to that language's home


def translation_links_of(page: Page) -> dict[str, dict]:
    """The page in each language it is public in, by language code. Kept per site-wide generation:
    a translation appears or goes only by a publish, an unpublish, a move or a restriction."""

    def build() -> dict[str, dict]:
        pages = visible(Page.objects.filter(translation_key=page.translation_key)).select_related("locale")
        return {found.locale.language_code: page_link(found) for found in pages}

    return cached(f"translations:{page.translation_key}", build, scope=record.SITEWIDE_CHANGE)


def language_links(page: Page | None, home: Page | None, path_in_language) -> list[LanguageLink]:
    """One link per language for the switcher: the same page in that language where there is one;
    otherwise that language's home. `path_in_language(code)` gives the address of a view that is
    not a page (search, A–Z) in another language."""
    current = translation.get_language()
    homes = translation_links_of(home) if home is not None else {}
    pages = translation_links_of(page) if page is not None and page.pk else {}
    links = []
    for code, name in settings.LANGUAGES:
        if page is None:
            url, same = path_in_language(code), True
        elif code in pages:
            url, same = pages[code]["url"], True
        elif code in homes:
            url, same = homes[code]["url"], False
        else:
            continue
        links.append(LanguageLink(code, name, url, code == current, same))
    return links


@dataclass(frozen=True)
class TranslationStatus:
    english_url: str
    english_title: str
    translated_on: datetime | None  # when the English version it was made from was saved
    english_updated_on: datetime | None
    stale: bool


def _source_revision_time(revision_id: int | None) -> datetime | None:
    if revision_id is None:
        return None
    return Revision.objects.filter(pk=revision_id).values_list("created_at", flat=True).first()


def translation_status(page: Page) -> TranslationStatus | None:
    """For a translated page: which English version it came from, and whether the English page has
    published a newer one since. None for an English page, or one whose English page is not public."""
    if page.pk is None or language_of(page) == settings.LANGUAGE_CODE:
        return None

    def build() -> TranslationStatus | None:
        english = visible(
            Page.objects.filter(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE)
        ).first()
        if english is None:
            return None
        return TranslationStatus(
            english_url=english.url,
            english_title=english.title,
            translated_on=_source_revision_time(made_from),
            english_updated_on=english.last_published_at,
            stale=made_from != english.live_revision_id,
        )

    # Any publish moves the any-change generation: the English page's among them.
    made_from = getattr(page, "translated_from_id", None)
    return cached(f"translation-status:{page.pk}:{page.live_revision_id}:{made_from}", build)


def in_reader_language(page: Page) -> Page:
    """The page in the language being read, where it is public in it; else the page itself (a
    Spanish reader's "Get help now" link goes to the Spanish page once there is one)."""
    language = translation.get_language()
    if language_of(page) == language:
        return page

    def find() -> Page | None:
        return visible(
            Page.objects.filter(translation_key=page.translation_key, locale__language_code=language)
        ).first()

    return cached_in_worker(f"in-language:{page.pk}:{language}", find, scope=record.SITEWIDE_CHANGE) or page
