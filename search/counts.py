"""How often each search was asked, for editors' reports, written to the database in batches.

Writing two or three rows per search was most of the cost of a search whose answer was already
kept, and under load it made search the dearest request the portal serves. Each worker now adds
its counts up in memory and writes them at most once every SEARCH_COUNTS_FLUSH_SECONDS, in one
transaction, and again when it exits. The reports lag by up to that long; a worker that is killed
outright loses what it had not written yet. Only the words are kept, never who searched.
"""

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import date

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from .models import UnansweredSearch

logger = logging.getLogger(__name__)

# (day, query as understood, whether anything was found) -> searches not yet written
Tally = Counter[tuple[date, str, bool]]

_lock = threading.Lock()
_pending: Tally = Counter()
_last_written = time.monotonic()


def record(text: str, found: bool) -> None:
    with _lock:
        _pending[(timezone.localdate(), text, found)] += 1
        if time.monotonic() - _last_written < settings.SEARCH_COUNTS_FLUSH_SECONDS:
            return
    flush()


def flush() -> None:
    """Write what this worker has counted; on a database error keep it for the next try."""
    global _last_written
    with _lock:
        tally = _pending.copy()
        _pending.clear()
        _last_written = time.monotonic()
    if not tally:
        return
    try:
        _write(tally)
    except DatabaseError:
        logger.warning("Search counts not written (database unavailable); kept for the next try")
        with _lock:
            _pending.update(tally)


def _write(tally: Tally) -> None:
    with transaction.atomic():
        for (day, text, found), searches in tally.items():
            hits, _ = QueryDailyHits.objects.get_or_create(query=Query.get(text), date=day)
            QueryDailyHits.objects.filter(pk=hits.pk).update(hits=F("hits") + searches)
            if not found:
                row, _ = UnansweredSearch.objects.get_or_create(query_string=text.lower()[:255], date=day)
                UnansweredSearch.objects.filter(pk=row.pk).update(count=F("count") + searches)


atexit.register(flush)
