"""Apply a ContentSet to the database through the same models and revision calls an editor's save
uses. Unchanged entries are skipped, so editors' work in the admin is kept; a changed page file
becomes a new published revision, so nothing is lost from the history.

Every value is checked here by its own field or block (`full_clean`, `StreamBlock.clean`), inside
the one transaction of the load: a file that fails leaves nothing written.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, Site, TranslatableMixin

from education.markdown_text import MarkdownError, markdown_to_richtext
from education.models import LoadedContent, PortalSettings
from education.models.snippets import ReviewedSnippet

from .errors import ContentFileError, Place
from .loading import loading_content
from .reader import ContentSet, Entry, PageSpec, page_fields
from .schema import FileValues, Markdown, PageLink, SnippetKey, editable_fields, natural_key


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # their live version is signed off: kept

    def lines(self) -> list[str]:
        return [
            *(f"create  {item}" for item in self.created),
            *(f"update  {item}" for item in self.updated),
            *(f"draft   {item} (the live version is signed off; submit the draft for review)" for item in self.drafts),
            *(f"skip    {item}" for item in self.skipped),
            f"{len(self.unchanged)} unchanged",
        ]


class _DryRunRollback(Exception):
    pass


def _publish(instance) -> bool:
    """Publish the file's version as a new revision, as an editor's publish does; False when it
    waits as a draft because the live version was signed off by a clinician."""
    revision = instance.save_revision(log_action=True)
    try:
        with transaction.atomic():
            revision.publish()
    except PermissionDenied:
        return False
    return True


class ContentSync:
    """Brings the database in line with the content files: the English content first, then each
    translation (`english` is the English content's sync, for a translation's)."""

    def __init__(self, content: ContentSet, english: "ContentSync | None" = None):
        self.content = content
        self.english = english
        self.report = english.report if english else SyncReport()
        self.loaded = english.loaded if english else {row.source: row for row in LoadedContent.objects.all()}
        # In a translation, keyed by the address of the English page each one translates.
        self.pages_by_path: dict[str, Page | None] = {}
        self.locale: Locale | None = None
        # What the report calls this content's entries: "page /faqs/ (es)".
        self.in_report = f" ({content.language})" if english else ""

    def run(self, dry_run: bool = False) -> SyncReport:
        try:
            with loading_content(), transaction.atomic():
                self._sync()
                for translation in self.content.translations:
                    ContentSync(translation, english=self)._sync()
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
        return self.report

    def _sync(self) -> None:
        self.locale, _made = Locale.objects.get_or_create(language_code=self.content.language)
        # Snippets with rich text may link to pages, so they wait until every page exists;
        # pages may show snippets, so they are filled in last.
        later = [model for model in self.content.snippets if _links_to_pages(model)]
        for model, entries in self.content.snippets.items():
            if model not in later:
                self._sync_snippets(entries)
        self._ensure_pages()
        for model in later:
            self._sync_snippets(self.content.snippets[model])
        self._update_pages()
        self._sync_settings()

    def page_at(self, path: str) -> Page | None:
        """The page a file's path names, in this content's language where it has been translated
        (a translation's links and related pages are written with English addresses)."""
        if path in self.pages_by_path:
            return self.pages_by_path[path]
        if self.english is None:
            return _page_at(path)
        english = self.english.page_at(path)
        return english and (english.get_translation_or_none(self.locale) or english)

    def _in_language(self, model: type[models.Model]) -> dict[str, Any]:
        return {"locale": self.locale} if issubclass(model, TranslatableMixin) else {}

    # -- bookkeeping -------------------------------------------------------------------------

    def _is_unchanged(self, source: str, digest: str) -> bool:
        row = self.loaded.get(source)
        return row is not None and row.digest == digest

    def _remember(self, source: str, digest: str, object_id: int | None) -> None:
        LoadedContent.objects.update_or_create(source=source, defaults={"digest": digest, "object_id": object_id})

    def _unchanged(self, label: str, source: str, digest: str, object_id: int) -> None:
        """A file that changed in form only (a comment, a key's spelling, the order of keys) makes no
        revision: a signed-off version is not sent back for review over nothing."""
        self.report.unchanged.append(label)
        self._remember(source, digest, object_id)

    # -- snippets ----------------------------------------------------------------------------

    def _sync_snippets(self, entries: list[Entry]) -> None:
        for order, entry in enumerate(entries):
            self._sync_snippet(entry, order)

    def _sync_snippet(self, entry: Entry, order: int) -> None:
        model, key = entry.model, entry.key
        source = f"{entry.place.source}#{key}"
        label = f"{model._meta.verbose_name} {key}{self.in_report}"
        if self._is_unchanged(source, entry.digest):
            self.report.unchanged.append(label)
            return
        existing = model.objects.filter(**self._in_language(model), **{natural_key(model): key}).first()
        instance = existing or self._new_snippet(entry)
        # The file is the whole version, as for pages; its order is the snippets' order.
        fields = editable_fields(model, model.panels)
        values = {name: entry.values.get(name) for name in fields}
        if "sort_order" in fields and values["sort_order"] is None:
            values["sort_order"] = order
        live_before = _content(instance, fields) if existing and getattr(existing, "live", True) else None
        self._apply(instance, entry.reading, entry.place, _empty_where_missing(values, fields))
        self._clean(instance, entry.reading, entry.place, validate_unique=False)
        if live_before == _content(instance, fields):
            self._unchanged(label, source, entry.digest, instance.pk)
            return
        if not isinstance(instance, ReviewedSnippet):
            instance.save()
        else:
            if instance.pk is None:
                instance.live = False  # goes live below, as the revision it is published from
                instance.save()
            if not _publish(instance):
                self.report.drafts.append(label)
                self._remember(source, entry.digest, instance.pk)
                return
        (self.report.updated if existing else self.report.created).append(label)
        self._remember(source, entry.digest, instance.pk)

    def _new_snippet(self, entry: Entry) -> models.Model:
        model = entry.model
        if not issubclass(model, TranslatableMixin):
            return model()
        if self.english is None:
            return model(locale=self.locale)
        key_name = natural_key(model)
        original = model.objects.filter(locale=self.english.locale, **{key_name: entry.key}).first()
        if original is None:
            place, _field = entry.reading.place_of((key_name,), entry.place)
            raise place.error(f"no English {model._meta.verbose_name} with the {key_name} {entry.key!r} to translate")
        return model(locale=self.locale, translation_key=original.translation_key)

    # -- pages -------------------------------------------------------------------------------

    def _ensure_pages(self) -> None:
        """Make sure every page exists first, so links between pages can be resolved."""
        for spec in self.content.pages:
            self.pages_by_path[spec.url_path] = self._find_or_create(spec)

    def _update_pages(self) -> None:
        for spec in self.content.pages:
            page = self.pages_by_path[spec.url_path]
            if page is None:
                continue
            if self._is_unchanged(spec.place.source, spec.digest) and page.live:
                self.report.unchanged.append(f"page {spec.url_path}{self.in_report}")
                continue
            self._update_page(page, spec)

    def _find_or_create(self, spec: PageSpec) -> Page | None:
        row = self.loaded.get(spec.place.source)
        if row and row.object_id:
            page = Page.objects.filter(pk=row.object_id).first()
            if page is None:
                # An editor deleted it; respect that rather than bring it back.
                self.report.skipped.append(f"page {spec.url_path} (deleted in the admin)")
                return None
            return self._check_type(page.specific, spec)
        if self.english:
            return self._find_or_create_translation(spec)
        if spec.is_home:
            return self._find_or_create_home(spec)
        parent = self.pages_by_path.get(spec.parent_path) or _page_at(spec.parent_path)
        if parent is None:
            raise spec.parent_place.error(f"no page at {spec.parent_path}")
        existing = parent.get_children().filter(slug=spec.values["slug"]).first()
        if existing:
            return self._check_type(existing.specific, spec)
        page = spec.model(
            title=_text(spec.values.get("title")),
            slug=spec.values["slug"],
            live=False,
            search_description=_text(spec.values.get("search_description")),
        )
        parent.add_child(instance=page)
        return page

    def _find_or_create_home(self, spec: PageSpec) -> Page:
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site and isinstance(site.root_page.specific, spec.model):
            return site.root_page.specific
        root = Page.get_first_root_node()
        # Wagtail's default welcome page is a plain Page called "home"; replace it.
        welcome = root.get_children().filter(slug="home").first()
        if welcome and welcome.specific_class is not Page:
            raise spec.place.child("type").error("a page at /home already exists and is not the welcome page")
        if welcome:
            welcome.slug = "welcome-replaced"
            welcome.save(update_fields=["slug"])
        home = spec.model(
            title=_text(spec.values.get("title")),
            slug="home",
            live=False,
            search_description=_text(spec.values.get("search_description")),
        )
        root.add_child(instance=home)
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True, site_name="")
        site.root_page = home
        site.save()
        if welcome:
            welcome.delete()
        return home

    def _english_page(self, spec: PageSpec) -> Page:
        english = self.english.page_at(spec.url_path)
        if english is None:
            raise spec.parent_place.error(f"no English page at {spec.url_path} to translate")
        return self._check_type(english.specific, spec)

    def _find_or_create_translation(self, spec: PageSpec) -> Page:
        """The page in this language that translates the English page, made beside its parent's
        translation (Wagtail's trees mirror each other) if it does not exist yet."""
        english = self._english_page(spec)
        existing = english.get_translation_or_none(self.locale)
        if existing:
            return self._check_type(existing.specific, spec)
        parent = Page.get_first_root_node() if spec.is_home else self.pages_by_path.get(spec.parent_path)
        if parent is None:
            raise spec.parent_place.error(f"the translation of {spec.parent_path} was deleted in the admin")
        page = spec.model(
            title=_text(spec.values.get("title")),
            slug=spec.values.get("slug") or f"{english.slug}-{self.content.language}",
            live=False,
            search_description=_text(spec.values.get("search_description")),
            locale=self.locale,
            translation_key=english.translation_key,
        )
        parent.add_child(instance=page)
        return page

    def _check_type(self, page: Page, spec: PageSpec) -> Page:
        if not isinstance(page, spec.model):
            raise spec.place.child("type").error(
                f"{spec.url_path} exists as a {page._meta.verbose_name}, not a {spec.model._meta.verbose_name}"
            )
        return page

    def _update_page(self, page: Page, spec: PageSpec) -> None:
        is_new = page.first_published_at is None
        # The file is the whole version: a field it leaves out is emptied, as in an editor's form.
        fields = page_fields(spec.model)
        values = {name: spec.values.get(name) for name in fields if name != "slug"}
        live_before = _content(page, fields) if page.live else None
        self._apply(page, spec.reading, spec.place, _empty_where_missing(values, fields))
        self._clean(page, spec.reading, spec.place)
        if live_before == _content(page, fields):
            self._unchanged(f"page {spec.url_path}{self.in_report}", spec.place.source, spec.digest, page.pk)
            return
        if self.english:
            # The file is taken as translated from the English version live now (docs/translation.md).
            english = self._english_page(spec)
            # Read afresh: the English page held from its own load was published through its revision.
            page.translated_from_id = (
                Page.objects.filter(pk=english.pk).values_list("live_revision_id", flat=True).first()
            )
        if _publish(page):
            (self.report.created if is_new else self.report.updated).append(f"page {spec.url_path}{self.in_report}")
        else:
            self.report.drafts.append(f"page {spec.url_path}{self.in_report}")
        self._remember(spec.place.source, spec.digest, page.pk)

    # -- settings ----------------------------------------------------------------------------

    def _sync_settings(self) -> None:
        entry = self.content.settings
        if entry is None:
            return
        if self._is_unchanged(entry.place.source, entry.digest):
            self.report.unchanged.append("site settings")
            return
        site = Site.objects.get(is_default_site=True)
        settings = PortalSettings.for_site(site)
        # Only the keys the file gives: pages an editor chose for the footer stay chosen.
        self._apply(settings, entry.reading, entry.place, entry.values)
        self._clean(settings, entry.reading, entry.place)
        settings.save()
        self.report.updated.append("site settings")
        self._remember(entry.place.source, entry.digest, settings.pk)

    # -- values ------------------------------------------------------------------------------

    def _apply(self, instance: models.Model, reading: FileValues, place: Place, values: dict[str, Any]) -> None:
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            if isinstance(model_field, StreamField):
                value = self._stream(model_field, value or [], reading, place)
            elif model_field.many_to_many:
                value = [self._find(ref) for ref in value or []]
            elif isinstance(value, (PageLink, SnippetKey)):
                value = self._find(value)
            elif isinstance(value, Markdown):
                value = self._richtext(value)
            setattr(instance, name, value)

    def _stream(self, model_field: StreamField, raw: list, reading: FileValues, place: Place):
        block = model_field.stream_block
        try:
            return block.clean(block.to_python(self._resolve(raw)))
        except ValidationError as error:
            raise _block_error(error, (model_field.name,), reading, place) from error

    def _clean(self, instance: models.Model, reading: FileValues, place: Place, **options) -> None:
        try:
            instance.full_clean(**options)
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            field_place, model_field = reading.place_of((name,), place.child(name))
            raise field_place.error(" ".join(messages) + _choices_hint(model_field)) from error

    def _resolve(self, value: Any) -> Any:
        """Block data with its Markdown made rich text and its pages and snippets made ids."""
        if isinstance(value, Markdown):
            return self._richtext(value)
        if isinstance(value, (PageLink, SnippetKey)):
            return self._find(value).pk
        if isinstance(value, dict):
            return {key: self._resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._resolve(item) for item in value]
        return value

    def _find(self, ref: PageLink | SnippetKey) -> models.Model:
        if isinstance(ref, SnippetKey):
            key_name = natural_key(ref.model)
            found = ref.model.objects.filter(**self._in_language(ref.model), **{key_name: ref.key}).first()
            if found is None:
                raise ref.place.error(f"no {ref.model._meta.verbose_name} with the {key_name} {ref.key!r}")
            return found
        page = self.page_at(ref.path)
        if page is None:
            raise ref.place.error(f"no page at {ref.path}")
        page = page.specific
        if not isinstance(page, ref.model):
            raise ref.place.error(f"{ref.path} is not a {ref.model._meta.verbose_name}")
        return page

    def _richtext(self, text: Markdown) -> str:
        def resolve_link(target: str) -> str:
            if target.startswith(("https://", "http://", "#", "mailto:")):
                return f'<a href="{target}">'
            path, _, _anchor = target.partition("#")
            page = self.page_at(path)
            if page is None:
                raise MarkdownError(f"the link {target!r} does not point to a page of the site")
            return f'<a linktype="page" id="{page.pk}">'

        try:
            return markdown_to_richtext(text.text, resolve_link)
        except MarkdownError as error:
            raise text.place.error(str(error)) from error


def _content(instance: models.Model, fields: dict[str, models.Field]) -> dict[str, Any]:
    """What a version says, to compare two versions: stream blocks without their ids."""
    content = {}
    for name, model_field in fields.items():
        if isinstance(model_field, StreamField):
            content[name] = _without_ids(getattr(instance, name).get_prep_value())
        elif model_field.many_to_many:
            content[name] = sorted(item.pk for item in getattr(instance, name).all())
        else:
            content[name] = model_field.value_from_object(instance)
    return content


def _without_ids(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def _links_to_pages(model: type[models.Model]) -> bool:
    return any(isinstance(f, RichTextField) for f in model._meta.fields)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _empty_where_missing(values: dict[str, Any], fields: dict[str, models.Field]) -> dict[str, Any]:
    """A value for every field: what the file gives, else what an empty form would save."""
    filled = {}
    for name, value in values.items():
        model_field = fields[name]
        if value is not None:
            filled[name] = value
        elif isinstance(model_field, StreamField) or model_field.many_to_many:
            filled[name] = []
        elif model_field.has_default():
            filled[name] = model_field.get_default()
        else:
            filled[name] = None if model_field.null else ""
    return filled


def _block_errors(error: ValidationError, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Each message in a block's error, with the path of the value it is about."""
    children = getattr(error, "block_errors", None)
    if children is None:
        yield path, " ".join(error.messages)
        return
    for key, child in children.items():
        yield from _block_errors(child, (*path, key))
    for child in error.non_block_errors.as_data():
        yield path, " ".join(child.messages)


def _block_error(error: ValidationError, path: tuple, reading: FileValues, place: Place) -> ContentFileError:
    error_path, message = next(_block_errors(error, path))
    value_place, block = reading.place_of(error_path, place)
    return value_place.error(message + _choices_hint(block))


def _choices_hint(field_or_block: Any) -> str:
    """The allowed values, for a field or block with a fixed list of them."""
    if isinstance(field_or_block, blocks.ChoiceBlock):
        choices = field_or_block.field.choices
    else:
        choices = getattr(field_or_block, "choices", None)
    values = [str(value) for value, _label in choices or [] if value != ""]
    return f" Choose one of: {', '.join(values)}." if values else ""


def _page_at(path: str) -> Page | None:
    """The page at a site-relative path such as /types/cytokines/, on the default site."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    return Page.objects.filter(url_path=site.root_page.url_path + path.lstrip("/")).first()
