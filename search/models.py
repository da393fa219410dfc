from django.conf import settings
from django.db import models

from wagtail.admin.panels import FieldPanel


class SearchSynonym(models.Model):
    """What patients type (a brand name, an abbreviation, a spelling) and the words it means.

    Kept as data that editors change in the admin, not as code. Each language has its own: a
    Spanish synonym expands only Spanish searches (/es/search/).
    """

    language = models.CharField(
        max_length=8,
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language of the searches this synonym expands.",
    )
    term = models.CharField(
        max_length=80,
        help_text="What a patient might type, for example 'Keytruda', 'CAR-T' or 'irAE'. Not case-sensitive.",
    )
    expansion = models.CharField(
        max_length=200,
        help_text="The words to search for as well, for example 'pembrolizumab checkpoint inhibitor'.",
    )

    panels = [FieldPanel("language"), FieldPanel("term"), FieldPanel("expansion")]

    class Meta:
        ordering = ["language", "term"]
        verbose_name = "search synonym"
        constraints = [models.UniqueConstraint(fields=["language", "term"], name="search_synonym_unique_in_language")]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion} ({self.language})"

    def save(self, *args, **kwargs):
        self.term = " ".join(self.term.lower().split())
        super().save(*args, **kwargs)


class UnansweredSearch(models.Model):
    """How often a query found nothing, per day. Only the words are kept: no user, IP or session."""

    query_string = models.CharField(max_length=255)
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query_string", "date"], name="unique_unanswered_per_day")]
        ordering = ["-date", "-count"]

    def __str__(self) -> str:
        return self.query_string
