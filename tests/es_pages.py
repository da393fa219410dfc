"""Spanish pages for tests of the reader channels (search, API, feed, Infobutton, sitemap).

A Spanish page is a translation of an English one (the same translation key, locale es) in the
Spanish tree, whose home is the English home's translation beside it, as load_content makes them.
"""

from wagtail.models import Locale, Page

from tests.factories import default_home


def spanish() -> Locale:
    return Locale.objects.get_or_create(language_code="es")[0]


def spanish_home() -> Page:
    """The Spanish home, live: the loaded one, or a new translation of the English home."""
    home = default_home()
    existing = home.get_translation_or_none(spanish())
    if existing is not None:
        if not existing.live:
            existing.save_revision().publish()
        return existing.specific
    return translate(home, title="Inicio")


def translate(english: Page, published: bool = True, **fields) -> Page:
    """The Spanish translation of `english` (its parent's translation must exist), with `fields`
    changed, published as an editor would unless `published=False`."""
    if english.depth > 3:
        assert english.get_parent().get_translation_or_none(spanish()) is not None, "translate the parent first"
    elif english.depth == 3:
        spanish_home()
    page = english.specific.copy_for_translation(spanish())
    for name, value in fields.items():
        setattr(page, name, value)
    revision = page.save_revision()
    if published:
        revision.publish()
    return type(page).objects.get(pk=page.pk)
