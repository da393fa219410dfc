"""Which language a page or snippet is in, without a query for its locale: light enough for the
models and the review rules to import."""

from django.conf import settings

from wagtail.models import Locale, Page

from caching import record
from caching.fragments import cached_in_worker


def language_of_locale(locale_id: int | None) -> str:
    """A locale's language code, without a query once the few locales are known."""
    codes = cached_in_worker(
        "locale-codes", lambda: dict(Locale.objects.values_list("pk", "language_code")), scope=record.SITEWIDE_CHANGE
    )
    return codes.get(locale_id, settings.LANGUAGE_CODE)


def language_of(page: Page) -> str:
    """A page's language code (or a snippet's), without a query for its locale."""
    return language_of_locale(page.locale_id)


def is_translation(instance) -> bool:
    """Whether a page or snippet is a translation (not in English, the language translated from)."""
    return getattr(instance, "locale_id", None) is not None and language_of(instance) != settings.LANGUAGE_CODE


def path_below_home(page: Page) -> str:
    """The page's path below its own language's home ("types/cytokines/"): the part of its
    address after /en/ or /es/, as the handout and embed addresses take it."""
    return page.url_path.split("/", 2)[2] if page.url_path.count("/") > 2 else ""
