from django.db import models


class LoadedContent(models.Model):
    """What load_content last loaded from each content file entry, so unchanged files are skipped
    and an editor's later changes in the admin are never overwritten."""

    source = models.CharField(max_length=255, unique=True, help_text="File path and entry key.")
    digest = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The page or snippet made from it, so editors may move or rename it."
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "loaded content file"

    def __str__(self) -> str:
        return self.source
