from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from portal.spreadsheets import FormulaSafeExportMixin

from .models import SearchSynonym, UnansweredSearch


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = "Search synonyms"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["term", "expansion", "language"]
    list_filter = ["language"]
    search_fields = ["term", "expansion"]


class UnansweredSearchIndexView(FormulaSafeExportMixin, IndexView):
    pass


class UnansweredSearchViewSet(SnippetViewSet):
    """Searches that found nothing: what to write about, or which synonym to add."""

    model = UnansweredSearch
    icon = "warning"
    menu_label = "Searches with no results"
    menu_order = 261
    add_to_admin_menu = True
    list_display = ["query_string", "date", "count"]
    list_filter = ["date"]
    list_export = ["query_string", "date", "count"]
    index_view_class = UnansweredSearchIndexView
    ordering = ["-date", "-count"]
    inspect_view_enabled = True


register_snippet(SearchSynonymViewSet)
register_snippet(UnansweredSearchViewSet)
