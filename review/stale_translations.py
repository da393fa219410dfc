"""Translations whose English page has published a newer version since they were made: what a
translator and a bilingual clinical reviewer have to do next. Each such page tells its readers so
(education/translations.py); this report lists them all for editors, and downloads as CSV or XLSX."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.dateformat import format as format_date

from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page, get_page_models

from education.models.mixins import TranslationMixin
from portal.spreadsheets import FormulaSafeExportMixin


@dataclass
class StaleTranslation:
    pk: int
    title: str
    language: str
    english_title: str
    translated_on: datetime | None
    english_updated_on: datetime | None
    live: bool
    full_url: str

    @property
    def edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=(self.pk,))


def _translated_page_models() -> list[type[Page]]:
    return [model for model in get_page_models() if issubclass(model, TranslationMixin)]


def stale_translations() -> list[StaleTranslation]:
    """Every translated page (live or draft) whose English page's live version is not the one it
    was made from, oldest translation first."""
    english = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=settings.LANGUAGE_CODE
    )
    found = []
    for model in _translated_page_models():
        rows = (
            model.objects.exclude(locale__language_code=settings.LANGUAGE_CODE)
            .annotate(
                english_revision=Subquery(english.values("live_revision_id")[:1]),
                english_title=Subquery(english.values("title")[:1]),
                english_updated_on=Subquery(english.values("last_published_at")[:1]),
                translated_on=F("translated_from__created_at"),
            )
            .filter(english_revision__isnull=False)
            .filter(Q(translated_from__isnull=True) | ~Q(translated_from_id=F("english_revision")))
            .select_related("locale")
        )
        found += [
            StaleTranslation(
                pk=page.pk,
                title=page.title,
                language=page.locale.get_display_name(),
                english_title=page.english_title,
                translated_on=page.translated_on,
                english_updated_on=page.english_updated_on,
                live=page.live,
                full_url=page.full_url or "",
            )
            for page in rows
        ]
    return sorted(found, key=lambda row: (row.translated_on is not None, row.translated_on or datetime.min, row.pk))


def _date(value) -> str:
    return format_date(value, "j M Y") if value else "Not recorded"


class StaleTranslationsReportView(FormulaSafeExportMixin, ReportView):
    page_title = "Translations behind their English page"
    header_icon = "globe"
    index_url_name = "review:stale_translations"
    index_results_url_name = "review:stale_translations_results"
    export_filename = "stale-translations"
    columns = [
        TitleColumn("title", label="Translation", get_url=lambda row: row.edit_url),
        Column("language", label="Language"),
        Column("english_title", label="English page"),
        Column(
            "translated_on", label="Made from the English version of", accessor=lambda row: _date(row.translated_on)
        ),
        Column("english_updated_on", label="English page updated", accessor=lambda row: _date(row.english_updated_on)),
        Column("live", label="Published", accessor=lambda row: "Yes" if row.live else "No"),
    ]
    list_export = ["title", "language", "english_title", "translated_on", "english_updated_on", "live", "full_url"]
    export_headings = {
        "title": "Translation",
        "language": "Language",
        "english_title": "English page",
        "translated_on": "Made from the English version of",
        "english_updated_on": "English page updated",
        "live": "Published",
        "full_url": "Address",
    }

    def get_queryset(self):
        return stale_translations()
