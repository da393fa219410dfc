import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

# What an origin can be made of. Anything else (a space, ";", a quote, "*", a control character)
# would end up inside the frame-ancestors directive of the Content-Security-Policy header, where
# it could widen or break the policy.
ORIGIN_CHARACTERS = re.compile(r"[A-Za-z0-9.:/\[\]-]+")
HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(HOST_NAME.fullmatch(host))


def _origin(value: str) -> str | None:
    """scheme://host[:port] for an exact origin, or None."""
    if not ORIGIN_CHARACTERS.fullmatch(value):
        return None
    parts = urlsplit(value)
    try:
        port = parts.port  # out of range raises
    except ValueError:
        return None
    if (
        port == 0
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or not _is_host(parts.hostname)
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def parse_origins(text: str) -> list[str]:
    """Origins written one per line (or comma-separated), normalised to scheme://host[:port]."""
    origins = []
    for raw in text.replace(",", "\n").splitlines():
        value = raw.strip().rstrip("/")
        if not value:
            continue
        origin = _origin(value)
        if origin is None:
            raise ValidationError(
                f"“{raw.strip()}” is not an origin. Write each site exactly, like https://intranet.example.org "
                "(no wildcards, paths or spaces)."
            )
        origins.append(origin)
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
