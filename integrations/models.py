from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


def parse_origins(text: str) -> list[str]:
    """Origins written one per line (or comma-separated), normalised to scheme://host[:port]."""
    origins = []
    for raw in text.replace(",", "\n").splitlines():
        value = raw.strip().rstrip("/")
        if not value:
            continue
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path or parts.query:
            raise ValidationError(f"“{raw.strip()}” is not an origin. Write it like https://intranet.example.org")
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return origins


@register_setting(icon="code")
class EmbedSettings(BaseGenericSetting):
    """Which other sites may show this portal's pages in a frame, and call its API from a browser."""

    allowed_origins = models.TextField(
        blank=True,
        help_text=(
            "One origin per line, for example https://intranet.example.org. These sites may frame the "
            "embed pages and read the API from a browser. Leave empty to allow none."
        ),
    )

    panels = [FieldPanel("allowed_origins")]

    class Meta:
        verbose_name = "embedding and API access"

    def clean(self):
        try:
            parse_origins(self.allowed_origins)
        except ValidationError as error:
            raise ValidationError({"allowed_origins": error.messages}) from error

    def origins(self) -> list[str]:
        """The admin's list plus the deployment's EMBED_ALLOWED_ORIGINS default."""
        configured = parse_origins(self.allowed_origins)
        return sorted({*parse_origins(",".join(settings.EMBED_ALLOWED_ORIGINS)), *configured})
