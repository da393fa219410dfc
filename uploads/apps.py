from django.apps import AppConfig


class UploadsConfig(AppConfig):
    """Uploaded images and documents: how they are named, what they carry, who may fetch them."""

    name = "uploads"
    verbose_name = "Uploaded files"

    def ready(self):
        from . import metadata

        metadata.strip_from_renditions()
