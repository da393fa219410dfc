from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CachingConfig(AppConfig):
    """The record of change and every copy kept by it (see caching/__init__.py)."""

    name = "caching"
    verbose_name = "Caching"
    default_auto_field = "django.db.models.BigAutoField"

    # What any Wagtail site shows readers: its pages, its sites and who may see which pages.
    # Each of the portal's apps lists its own in its AppConfig.
    watched_models = ("wagtailcore.Page", "wagtailcore.Site", "wagtailcore.PageViewRestriction", "wagtailcore.Locale")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system check

        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="caching_install_triggers")


def _install_triggers(sender, using="default", verbosity=1, **kwargs):
    from django.db import connections

    from .triggers import install

    count = install(connections[using])
    if verbosity >= 2:
        print(f"  Installed {count} triggers for the record of change.")
