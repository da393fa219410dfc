"""Site search and the A–Z index: what patients use to find a page when they know only a word.

Each language searches its own: /es/search/ finds Spanish pages, questions and glossary terms
(stemmed as Spanish on PostgreSQL, with Spanish synonyms, accents optional), /en/search/ English.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page, Site
from wagtail.search.utils import normalise_query_string

from caching.fragments import cached
from caching.page_cache import address_digest
from education.models import FAQ, FAQIndexPage, GlossaryPage, GlossaryTerm
from education.navigation import page_link
from education.public import is_public, public_pages, request_language, visible
from portal.rate_limit import rate_limited

from . import counts
from .backend import search_backend_for, text_search_config_for
from .models import SearchSynonym
from .postings import best_matches
from .query import WORD, CleanQuery, clean, correct_spelling, expand_synonyms, restore_accents, site_vocabulary

# Spanish readers often type without accents ('celula'); English has none to leave out.
ACCENTS_OPTIONAL = {"es"}

RESULTS_PER_PAGE = 10
# Bounded work: a search never finds more than this many of each kind.
MAX_PAGE_HITS, MAX_FAQ_HITS, MAX_TERM_HITS = 60, 20, 10
# What a page's line of the results shows (its address comes from url_path): loading all 30
# of a page's columns for each page found took a quarter of a search's time in Python.
PAGE_RESULT_FIELDS = ("title", "url_path", "search_description")
# What each kind of result is called above its title: `kind` itself stays a fixed key.
KIND_LABELS = {
    "Page": pgettext_lazy("kind of search result", "Page"),
    "Question": pgettext_lazy("kind of search result", "Question"),
    "Word list": pgettext_lazy("kind of search result", "Word list"),
}


@dataclass
class Result:
    """One line of the results. A common word finds 60 pages and 20 questions and a results page
    shows 10, so a page's or a question's line holds only its key until `_show` fills it in."""

    kind: str
    title: str = ""
    url: str = ""
    summary: str = ""
    key: int | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _show(request, shown: list[Result]) -> None:
    """Fill in the lines of the pages and questions a results page shows: one query for each."""
    pages = {line.key: line for line in shown if line.kind == "Page"}
    for page in public_pages(request).filter(pk__in=pages).only(*PAGE_RESULT_FIELDS):
        pages[page.pk].title, pages[page.pk].url = page.title, page.get_url(request)
        pages[page.pk].summary = page.search_description
    questions = {line.key: line for line in shown if line.kind == "Question"}
    faqs_url = _anchor_base(request, FAQIndexPage) if questions else ""
    for faq in FAQ.objects.live().filter(pk__in=questions).order_by():
        questions[faq.pk].title, questions[faq.pk].url = faq.question, f"{faqs_url}faq-{faq.key}"
        questions[faq.pk].summary = strip_tags(faq.answer)


def _anchor_base(request, model) -> str:
    """'/glossary/#', to which an entry's anchor is added; empty when there is no such page.
    Kept per generation: finding it among thousands of pages took 10 ms a search."""

    def find() -> str:
        page = public_pages(request).type(model).first()
        return f"{page.get_url(request)}#" if page else ""

    return cached(f"anchor-base:{model._meta.label}:{request.get_host()}:{request_language(request)}", find)


def _best_keys(queryset, text: str, limit: int, language: str) -> list[int]:
    """The keys of the `limit` best matches for any of the words, parsed as `language`: from the
    postings where they can answer (ranking thousands of pages for a common word is what made
    search slow as content grew)."""
    keys = best_matches(queryset, text, limit, config=text_search_config_for(language))
    if keys is None:
        backend = search_backend_for(language)
        keys = [found.pk for found in backend.search(text, queryset.only("pk"), operator="or")[:limit]]
    return keys


def _best(queryset, text: str, limit: int, language: str) -> list:
    keys = _best_keys(queryset, text, limit, language)
    found = queryset.in_bulk(keys)
    return [found[key] for key in keys if key in found]


def _find(request, query: CleanQuery) -> list[Result]:
    """Pages first; a word-list entry the query names exactly comes before them, others after."""
    text, language = query.backend_text, request_language(request)
    asked = {word.lower() for word in [*query.words, *query.expansions]}
    whole_query = query.text.lower()
    # Words and questions link to their place on the glossary and FAQ pages: none without the page.
    glossary_url, faqs_url = _anchor_base(request, GlossaryPage), _anchor_base(request, FAQIndexPage)
    terms = _best(_in(GlossaryTerm, language), text, MAX_TERM_HITS, language) if glossary_url else []
    questions = _best_keys(_in(FAQ, language), text, MAX_FAQ_HITS, language) if faqs_url else []
    named_terms, other_terms = [], []
    for term in terms:
        forms = {form.lower() for form in [term.term, *term.other_forms]}
        # Listed only when the query names the term, not when its definition merely shares a word:
        # otherwise 'Keytruda' would list every term defined with 'inhibitor'.
        if not asked & {word.lower() for word in WORD.findall(" ".join(forms))}:
            continue
        result = Result("Word list", term.term, glossary_url + term.slug, term.definition)
        (named_terms if whole_query in forms else other_terms).append(result)
    pages = [Result("Page", key=key) for key in _best_keys(public_pages(request), text, MAX_PAGE_HITS, language)]
    faqs = [Result("Question", key=key) for key in questions]
    return [*named_terms, *pages, *other_terms, *faqs]


def _in(model, language: str):
    """Published questions or glossary terms in one language."""
    return model.objects.live().filter(locale__in=Locale.objects.filter(language_code=language)[:1])


def _vocabulary(language: str) -> set[str]:
    def texts():
        pages = visible(Page.objects.filter(locale__language_code=language))
        yield from pages.values_list("title", flat=True)
        yield from pages.values_list("search_description", flat=True)
        yield from _in(GlossaryTerm, language).values_list("term", flat=True)
        yield from _in(GlossaryTerm, language).values_list("also_known_as", flat=True)
        yield from SearchSynonym.objects.filter(language=language).values_list("term", flat=True)

    return site_vocabulary(texts, language)


def _synonyms(language: str) -> dict[str, str]:
    # Kept per generation: saving a synonym moves it.
    def build() -> dict[str, str]:
        return dict(SearchSynonym.objects.filter(language=language).values_list("term", "expansion"))

    return cached(f"search-synonyms:{language}", build)


def _answer(request, query: CleanQuery) -> tuple[CleanQuery, list[Result]]:
    """The query as understood (accents restored, synonyms added, typos corrected) and its results."""
    language = request_language(request)
    accents_matter = language not in ACCENTS_OPTIONAL
    if not accents_matter:
        restore_accents(query, _vocabulary(language))
    expand_synonyms(query, _synonyms(language), accents_matter)
    results = _find(request, query)
    if not results:
        correct_spelling(query, _vocabulary(language))
        if query.corrected_from:
            query.expansions.clear()
            expand_synonyms(query, _synonyms(language), accents_matter)
            results = _find(request, query)
    return query, results


@dataclass(frozen=True)
class Answer:
    html: str
    understood: str  # the query as understood: what the counts are kept under
    found: bool


def _render(request, query: CleanQuery) -> Answer:
    query, results = _answer(request, query)
    shown = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    _show(request, shown.object_list)
    promoted = _promoted(query.text, request_language(request))
    context = {
        **_page_context(query),
        "results": shown,
        "promoted": promoted,
        "highlight_words": [*query.words, *query.expansions],
    }
    if not results:
        context["popular_topics"] = _popular_topics(request)
    return Answer(render_to_string("search/search.html", context, request), query.text, bool(results or promoted))


def _promoted(text: str, language: str) -> list[dict]:
    promotions = cached(f"search-promotions:{language}", lambda: _promotions_by_query(language))
    return promotions.get(normalise_query_string(text), [])


def _promotions_by_query(language: str) -> dict[str, list[dict]]:
    """Editors' picks by the query they answer, in their order: pages only while they are live and
    public, and links elsewhere (another part of the hospital's intranet, say) as the editor typed
    them. A few dozen rows, kept per generation (a pick or a page change moves it): reading
    one query's picks cost two queries a search. A page picked is shown only to readers of its
    language."""
    by_query = defaultdict(list)
    picks = SearchPromotion.objects.select_related("query", "page", "page__locale").order_by("sort_order", "pk")
    for pick in picks:
        if pick.page is not None and pick.page.locale.language_code != language:
            continue
        if pick.page is not None and is_public(pick.page):
            link = page_link(pick.page)
        elif pick.page is None and pick.external_link_url:
            link = {"title": pick.external_link_text or pick.external_link_url, "url": pick.external_link_url}
        else:
            continue
        by_query[pick.query.query_string].append({**link, "summary": pick.description or link.get("summary", "")})
    return dict(by_query)


def _kept_answer(request, query: CleanQuery) -> Answer:
    """Patients ask the same few questions ('fever', 'side effects'), and ranking thousands of
    pages for a common word costs tens of milliseconds, so the rendered answer is kept under the
    any-change generation like the pages it lists: a publish changes it at once. Editors (who see the
    userbar) and sites with the page cache off get every answer afresh."""
    if not settings.PAGE_CACHE_ENABLED or request.user.is_authenticated:
        return _render(request, query)
    return cached(f"search-answer:{address_digest(request)}", lambda: _render(request, query))


def _page_context(query: CleanQuery) -> dict:
    # The page has its own, larger search form; a second one in the header would only confuse.
    return {"query": query, "results": None, "promoted": [], "show_header_search": False}


def _popular_topics(request):
    site = Site.find_for_request(request)
    # The home in the reader's language (Wagtail's `localized`: the live translation, if any).
    return visible(site.root_page.localized.get_children()).in_menu().order_by("path") if site else []


@require_safe
@rate_limited("search")
def search(request):
    query = clean(request.GET.get("q", ""))
    if not query.words:
        return render(
            request, "search/search.html", {**_page_context(query), "popular_topics": _popular_topics(request)}
        )
    answer = _kept_answer(request, query)
    counts.record(answer.understood, answer.found)
    return HttpResponse(answer.html)


@require_safe
def a_to_z(request):
    """Every page and glossary word, by first letter."""
    entries = [(page.title, page.get_url(request)) for page in public_pages(request).filter(depth__gt=2)]
    glossary_url = _anchor_base(request, GlossaryPage)
    terms = _in(GlossaryTerm, request_language(request)) if glossary_url else []
    entries += [(term.term, f"{glossary_url}{term.slug}") for term in terms]
    letters: dict[str, list] = {}
    for title, url in sorted(entries, key=lambda entry: entry[0].lower()):
        letter = title[:1].upper() if title[:1].isalpha() else "#"
        letters.setdefault(letter, []).append((title, url))
    return render(request, "search/a_to_z.html", {"letters": sorted(letters.items())})
