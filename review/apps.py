from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Clinical governance: roles, the review workflow, review dates, reminders and content checks."""

    name = "review"
    verbose_name = "Clinical review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import media, sign_off, stamping  # noqa: F401 - stamping connects itself to sign-off

        sign_off.connect()
        media.connect()
