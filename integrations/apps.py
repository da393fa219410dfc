from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"
    default_auto_field = "django.db.models.BigAutoField"

    # Who may frame the embeds and read the API from a browser (their CSP and CORS headers).
    watched_models = ("integrations.EmbedSettings",)

    def ready(self):
        from . import checks  # noqa: F401 - registers the system check
