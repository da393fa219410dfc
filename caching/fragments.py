"""Fragments: what a render needs and can share with the next one (menus, listings, rendered parts,
lookups), kept under a generation of the record of change, so never stale.

`cached` keeps a value in this worker's memory and, with Redis, in Redis for the other workers;
`cached_in_worker` keeps it in this worker only (values that hold model instances, or are one cheap
query to rebuild). Callers must treat what they get as read-only: the same object serves the next
request.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from . import record
from .memory import WorkerMemory

FRAGMENT_SECONDS = 24 * 3600

worker_memory = WorkerMemory(settings.FRAGMENT_LOCAL_BYTES)

_NONE = "caching:none"  # how an answer of None is kept, so it is not taken for a miss


def shared_cache():
    """The cache other workers read too, or None when the cache is this process's own memory
    (the local-memory default): then the worker memory is the one copy."""
    cache = caches["default"]
    return None if isinstance(cache, LocMemCache) else cache


def cached(name: str, build: Callable[[], Any], scope: str = record.ANY_CHANGE) -> Any:
    if not settings.CACHING_ENABLED:
        return build()
    key = f"fragment:{record.generation(scope)}:{name}"
    value = worker_memory.get(key)
    if value is None:
        shared = shared_cache()
        value = shared.get(key) if shared is not None else None
        if value is None:
            value = build()
            if shared is not None:
                shared.set(key, value, FRAGMENT_SECONDS)
        worker_memory.put(key, value)
    return value


def cached_in_worker(name: str, build: Callable[[], Any], scope: str = record.ANY_CHANGE) -> Any:
    if not settings.CACHING_ENABLED:
        return build()
    key = f"worker:{record.generation(scope)}:{name}"
    value = worker_memory.get(key)
    if value is None:
        value = build()
        worker_memory.put(key, _NONE if value is None else value)
    return None if value is _NONE else value
