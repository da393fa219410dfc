from django.db import models


class ChangeRecord(models.Model):
    """The record of change: one row of two generations, moved by database triggers
    (caching/triggers.py) in the same transaction as every change a reader could see.

    A generation is a random number, never a counter: a rolled-back change, a restored backup or a
    flushed table can never bring back a number that copies were once kept under.
    """

    # Moves on every change a reader could see.
    any_change = models.BigIntegerField()
    # Moves on every change except a page's own content republished at the same address (unless it
    # is a site's root page): what every page's render shares (sites, settings, addresses, snippets).
    sitewide_change = models.BigIntegerField()

    class Meta:
        verbose_name = "record of change"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="caching_one_change_record")]

    def __str__(self) -> str:
        return f"any change {self.any_change}, site-wide change {self.sitewide_change}"
