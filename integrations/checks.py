"""The deployment's embed allowlist is checked at start-up, not on the first embed request."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError


@checks.register(checks.Tags.security)
def embed_allowlist_is_exact_origins(app_configs=None, **kwargs):
    from .models import parse_origins

    try:
        parse_origins(",".join(settings.EMBED_ALLOWED_ORIGINS))
    except ValidationError as error:
        return [
            checks.Error(
                f"EMBED_ALLOWED_ORIGINS: {error.messages[0]}",
                hint="List the intranet sites exactly, comma-separated, in the EMBED_ALLOWED_ORIGINS environment variable.",
                id="integrations.E001",
            )
        ]
    return []
