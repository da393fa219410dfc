import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text: str, words: list[str]) -> str:
    """Escape the text, then mark the searched words in it."""
    escaped = escape(text or "")
    words = sorted({escape(word) for word in words or [] if len(word) > 1}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)  # noqa: S308 (escaped above)
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # noqa: S308 (escaped above)
