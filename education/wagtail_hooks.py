"""Admin registration: snippets get list columns, filters and search."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from education.models import FAQ, FAQTopic, GlossaryTerm, Reference


class FAQViewSet(SnippetViewSet):
    model = FAQ
    icon = "help"
    list_display = ["question", "topic", "sort_order"]
    list_filter = ["topic"]
    search_fields = ["question"]
    ordering = ["topic__sort_order", "sort_order"]


class FAQTopicViewSet(SnippetViewSet):
    model = FAQTopic
    icon = "folder-open-inverse"
    list_display = ["name", "sort_order"]


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "openquote"
    list_display = ["term", "definition"]
    search_fields = ["term", "also_known_as"]


class ReferenceViewSet(SnippetViewSet):
    model = Reference
    icon = "doc-full"
    list_display = ["key", "title", "publisher", "year"]
    list_filter = ["year"]
    search_fields = ["key", "title", "authors"]


class ContentLibraryGroup(SnippetViewSetGroup):
    menu_label = "Content library"
    menu_icon = "folder-inverse"
    menu_order = 250
    items = (FAQViewSet, FAQTopicViewSet, GlossaryTermViewSet, ReferenceViewSet)


register_snippet(ContentLibraryGroup)
