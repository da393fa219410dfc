from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Page feedback"
    default_auto_field = "django.db.models.BigAutoField"
