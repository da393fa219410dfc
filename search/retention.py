"""How long search counts are kept: settings.SEARCH_COUNTS_RETENTION_DAYS, then deleted.

Three tables hold them: Wagtail's Query (the words) and QueryDailyHits (searches a day), which feed
its search-terms report and promoted results, and UnansweredSearch (searches a day that found
nothing). The words of a search are removed with its last day of counts, unless an editor has
promoted a page for them.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from .models import UnansweredSearch


def remove_expired(now: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete counts older than the retention period; how many rows were (or, dry, would be) removed."""
    first_day_kept = timezone.localdate(now) - datetime.timedelta(days=settings.SEARCH_COUNTS_RETENTION_DAYS)
    daily_hits = QueryDailyHits.objects.filter(date__lt=first_day_kept)
    unanswered = UnansweredSearch.objects.filter(date__lt=first_day_kept)
    orphaned_words = Query.objects.filter(editors_picks__isnull=True).exclude(daily_hits__date__gte=first_day_kept)
    counts = {
        "daily search counts": daily_hits.count(),
        "daily counts of searches with no results": unanswered.count(),
        "search words no longer counted": orphaned_words.count(),
    }
    if not dry_run:
        with transaction.atomic():
            daily_hits.delete()
            unanswered.delete()
            orphaned_words.delete()
    return counts
