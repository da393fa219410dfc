from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = "Patient education content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from education import content_version

        content_version.connect()
