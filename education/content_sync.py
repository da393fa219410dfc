"""Apply a checked ContentSet to the database through the same models and revision calls an
editor's save uses. Unchanged entries are skipped, so editors' work in the admin is kept; a
changed page file becomes a new published revision, so nothing is lost from the history."""

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from wagtail.models import Page, Site

from education import models as content_models
from education.content_files import (
    CHOSEN_PAGE_SETTINGS,
    PAGE_TYPES,
    ContentFileError,
    ContentSet,
    Entry,
    Markdown,
    PageSpec,
)
from education.markdown_text import MarkdownError, markdown_to_richtext
from education.models.snippets import ReviewedSnippet


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


_loading = contextvars.ContextVar("loading_content_files", default=False)


def loading_content_files() -> bool:
    """Whether the content files are being loaded now (the clinical sign-off rule lets their first
    publication through, recorded as such: review/sign_off.py)."""
    return _loading.get()


@contextlib.contextmanager
def loading_content() -> Iterator[None]:
    """Within this block, content is being loaded from files (or made for a benchmark), not
    written by an editor: it goes live as content not yet checked by a clinician."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def _publish_snippet(instance: ReviewedSnippet) -> bool:
    """Publish the file's version as a new revision, as for pages; False when it waits as a draft
    because the live version was signed off by a clinician."""
    if instance.pk is None:
        instance.live = False  # goes live below, as the revision it is published from
        instance.save()
    revision = instance.save_revision(log_action=True)
    try:
        with transaction.atomic():
            revision.publish()
    except PermissionDenied:
        return False
    return True


class ContentSync:
    """Brings the database in line with the content files."""

    def __init__(self, content: ContentSet):
        self.content = content
        self.report = SyncReport()
        self.loaded = {row.source: row for row in content_models.LoadedContent.objects.all()}
        self.pages_by_path: dict[str, Page] = {}

    def run(self, dry_run: bool = False) -> SyncReport:
        try:
            with loading_content(), transaction.atomic():
                self._sync_library()
                self._ensure_pages()
                self._sync_faqs()
                self._update_pages()
                self._sync_settings()
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
        return self.report

    # -- bookkeeping -------------------------------------------------------------------------

    def _is_unchanged(self, source: str, digest: str) -> bool:
        row = self.loaded.get(source)
        return row is not None and row.digest == digest

    def _remember(self, source: str, digest: str, object_id: int | None) -> None:
        content_models.LoadedContent.objects.update_or_create(
            source=source, defaults={"digest": digest, "object_id": object_id}
        )

    # -- snippets ----------------------------------------------------------------------------

    def _sync_library(self) -> None:
        for entry in self.content.references:
            self._sync_snippet(content_models.Reference, entry, "key", lambda data=entry.data: dict(data))
        for entry in self.content.glossary:
            self._sync_snippet(content_models.GlossaryTerm, entry, "slug", lambda data=entry.data: dict(data))
        for order, entry in enumerate(self.content.faq_topics):
            self._sync_snippet(
                content_models.FAQTopic,
                entry,
                "slug",
                lambda data=entry.data, order=order: {**data, "sort_order": order},
            )

    def _sync_faqs(self) -> None:
        """After the pages exist, because answers link to them."""
        topics = {topic.slug: topic for topic in content_models.FAQTopic.objects.all()}
        references = {reference.key: reference for reference in content_models.Reference.objects.all()}
        for order, entry in enumerate(self.content.faqs):

            def prepare(data=entry.data, order=order) -> dict:
                return {
                    **data,
                    "topic": topics[data["topic"]],
                    "answer": self._richtext(data["answer"]),
                    "sort_order": order,
                    # Kept with the version (the FAQ is a cluster), so a draft's sources wait with it.
                    "references": [references[key] for key in data["references"]],
                }

            self._sync_snippet(content_models.FAQ, entry, "key", prepare)

    def _sync_snippet(self, model, entry: Entry, key_field: str, prepare) -> None:
        """Create or update one snippet unless its entry is unchanged since the last load.
        `prepare` builds the field values, only when they are needed."""
        key = entry.data[key_field]
        source = f"{entry.source}#{key}"
        label = f"{model._meta.verbose_name} {key}"
        if self._is_unchanged(source, entry.digest):
            self.report.unchanged.append(label)
            return
        existing = model.objects.filter(**{key_field: key}).first()
        instance = existing or model()
        for name, value in prepare().items():
            setattr(instance, name, value)
        instance.full_clean(validate_unique=False)
        if not isinstance(instance, ReviewedSnippet):
            instance.save()
        elif not _publish_snippet(instance):
            self.report.drafts.append(label)
            self._remember(source, entry.digest, instance.pk)
            return
        (self.report.updated if existing else self.report.created).append(label)
        self._remember(source, entry.digest, instance.pk)

    # -- pages -------------------------------------------------------------------------------

    def _ensure_pages(self) -> None:
        """Make sure every page exists first, so links between pages can be resolved."""
        for spec in self.content.pages:
            self.pages_by_path[spec.url_path] = self._find_or_create(spec)

    def _update_pages(self) -> None:
        self.reference_ids = dict(content_models.Reference.objects.values_list("key", "pk"))
        for spec in self.content.pages:
            page = self.pages_by_path[spec.url_path]
            if page is None:
                continue
            if self._is_unchanged(spec.source, spec.digest) and page.live:
                self.report.unchanged.append(f"page {spec.url_path}")
                continue
            self._update_page(page, spec)

    def _find_or_create(self, spec: PageSpec) -> Page | None:
        model = getattr(content_models, PAGE_TYPES[spec.page_type])
        row = self.loaded.get(spec.source)
        if row and row.object_id:
            page = Page.objects.filter(pk=row.object_id).first()
            if page is None:
                # An editor deleted it; respect that rather than bring it back.
                self.report.skipped.append(f"page {spec.url_path} (deleted in the admin)")
                return None
            return self._check_type(page.specific, model, spec)
        if spec.page_type == "home":
            return self._find_or_create_home(spec, model)
        parent = self.pages_by_path.get(spec.parent_path) or _page_at(spec.parent_path)
        if parent is None:
            raise ContentFileError(
                spec.source, spec.data.get("_parent_line"), "parent", f"no page at {spec.parent_path}"
            )
        existing = parent.get_children().filter(slug=spec.data["slug"]).first()
        if existing:
            return self._check_type(existing.specific, model, spec)
        page = model(
            title=spec.data["title"], slug=spec.data["slug"], live=False, search_description=spec.data["summary"]
        )
        parent.add_child(instance=page)
        return page

    def _find_or_create_home(self, spec: PageSpec, model) -> Page:
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site and isinstance(site.root_page.specific, model):
            return site.root_page.specific
        root = Page.get_first_root_node()
        # Wagtail's default welcome page is a plain Page called "home"; replace it.
        welcome = root.get_children().filter(slug="home").first()
        if welcome and welcome.specific_class is not Page:
            raise ContentFileError(
                spec.source, spec.line, "type", "a page at /home already exists and is not the welcome page"
            )
        if welcome:
            welcome.slug = "welcome-replaced"
            welcome.save(update_fields=["slug"])
        home = model(title=spec.data["title"], slug="home", live=False, search_description=spec.data["summary"])
        root.add_child(instance=home)
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True, site_name="")
        site.root_page = home
        site.save()
        if welcome:
            welcome.delete()
        return home

    def _check_type(self, page: Page, model, spec: PageSpec) -> Page:
        if not isinstance(page, model):
            raise ContentFileError(
                spec.source,
                spec.line,
                "type",
                f"{spec.url_path} exists as a {page._meta.verbose_name}, not a {model._meta.verbose_name}",
            )
        return page

    def _update_page(self, page: Page, spec: PageSpec) -> None:
        data = spec.data
        is_new = page.first_published_at is None
        page.title = data["title"]
        page.search_description = data["summary"]
        page.show_in_menus = data["in_menu"]
        page.references = [{"type": "reference", "value": self.reference_ids[key]} for key in data["references"]]
        page.body = self._stream(data["body"])
        page.related_pages = [
            {"type": "page", "value": self._page(spec, path, "related").pk} for path in data["related"]
        ]
        if spec.page_type == "home":
            page.intro = self._richtext(data["intro"])
        if spec.page_type == "therapy_type":
            for name in ("how_it_works", "how_given", "common_side_effects"):
                setattr(page, name, self._richtext(data[name]))
            page.serious_side_effects = self._stream(data["serious_side_effects"])
            page.questions = [{"type": "question", "value": question} for question in data["questions"]]
            page.medicines = [{"type": "medicine", "value": medicine} for medicine in data["medicines"]]
            page.used_for = [self._condition(spec, path) for path in data["used_for"]]
        if spec.page_type == "condition":
            page.condition_group = data["condition_group"]
        if "codes" in data:
            page.clinical_codes = [{"type": "code", "value": code} for code in data["codes"]]
        try:
            page.full_clean()
        except Exception as error:  # a ValidationError from the models; say which file caused it
            raise ContentFileError(spec.source, spec.line, "(page)", str(error)) from error
        revision = page.save_revision(log_action=True)
        try:
            with transaction.atomic():
                revision.publish()
        except PermissionDenied:
            # The live version was signed off by a clinician: the file's version waits as a draft.
            self.report.drafts.append(f"page {spec.url_path}")
        else:
            (self.report.created if is_new else self.report.updated).append(f"page {spec.url_path}")
        self._remember(spec.source, spec.digest, page.pk)

    def _page(self, spec: PageSpec, path: str, field_name: str) -> Page:
        page = self.pages_by_path.get(path) or _page_at(path)
        if page is None:
            raise ContentFileError(spec.source, spec.data[f"_{field_name}_line"], field_name, f"no page at {path}")
        return page

    def _condition(self, spec: PageSpec, path: str):
        page = self._page(spec, path, "used_for").specific
        if not isinstance(page, content_models.ConditionPage):
            raise ContentFileError(
                spec.source, spec.data["_used_for_line"], "used_for", f"{path} is not a condition page"
            )
        return page

    def _stream(self, blocks: list[dict]) -> list[dict]:
        return [{"type": block["type"], "value": self._resolve(block["value"])} for block in blocks]

    def _resolve(self, value):
        if isinstance(value, Markdown):
            return self._richtext(value)
        if isinstance(value, dict):
            if "faqs" in value and isinstance(value["faqs"], list):
                faqs = dict(content_models.FAQ.objects.filter(key__in=value["faqs"]).values_list("key", "pk"))
                return {**value, "faqs": [faqs[key] for key in value["faqs"]]}
            return {key: self._resolve(item) for key, item in value.items()}
        return value

    def _richtext(self, text: Markdown) -> str:
        def resolve_link(target: str) -> str:
            if target.startswith(("https://", "http://")):
                return f'<a href="{target}">'
            if target.startswith("#") or target.startswith("mailto:"):
                return f'<a href="{target}">'
            path, _, anchor = target.partition("#")
            page = self.pages_by_path.get(path) or _page_at(path)
            if page is None:
                raise MarkdownError(f"the link {target!r} does not point to a page of the site")
            return f'<a linktype="page" id="{page.pk}">'

        try:
            return markdown_to_richtext(text.text, resolve_link)
        except MarkdownError as error:
            raise ContentFileError(text.source, text.line, text.field_name, str(error)) from error

    # -- settings ----------------------------------------------------------------------------

    def _sync_settings(self) -> None:
        entry = self.content.settings
        if entry is None:
            return
        if self._is_unchanged(entry.source, entry.digest):
            self.report.unchanged.append("site settings")
            return
        site = Site.objects.get(is_default_site=True)
        settings = content_models.PortalSettings.for_site(site)
        data = dict(entry.data)
        chosen_paths = {name: data.pop(name) for name in CHOSEN_PAGE_SETTINGS}
        for name, value in data.items():
            setattr(settings, name, value)
        for name, path in chosen_paths.items():
            if path:
                page = self.pages_by_path.get(path) or _page_at(path)
                if page is None:
                    raise ContentFileError(entry.source, None, name, f"no page at {path}")
                setattr(settings, name, page)
        settings.save()
        self.report.updated.append("site settings")
        self._remember(entry.source, entry.digest, settings.pk)


def _page_at(path: str) -> Page | None:
    """The page at a site-relative path such as /types/cytokines/, on the default site."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    return Page.objects.filter(url_path=site.root_page.url_path + path.lstrip("/")).first()
