from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = "Patient education content"
    default_auto_field = "django.db.models.BigAutoField"

    # What public pages show beside the pages themselves, which caching watches for every app:
    # a change to any row of these moves the record of change (caching/watched.py).
    watched_models = (
        "education.FAQ",
        "education.FAQTopic",
        "education.GlossaryTerm",
        "education.Reference",
        "education.PortalSettings",
        "wagtailimages.Image",
        "wagtaildocs.Document",
    )
