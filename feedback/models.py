from django.db import models

from wagtail.models import Page

COMMENT_MAX_LENGTH = 500


class PageFeedback(models.Model):
    """One answer to "Was this page helpful?". No name, email, IP address or session is stored."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "page feedback"
        verbose_name_plural = "page feedback"

    def __str__(self) -> str:
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.page.title}"
