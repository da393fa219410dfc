from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "portal_search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    # Kept search answers show editors' picks and expand synonyms.
    watched_models = ("portal_search.SearchSynonym", "wagtailsearchpromotions.SearchPromotion")
