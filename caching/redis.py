"""A Redis cache that turns Redis outages into cache misses, logged, instead of errors.

Everything kept in Redis is keyed by a generation of the record of change, which lives in the
database, and can be rebuilt from the database: while Redis is down, blipping, flushed or restarted,
pages are rendered from the database (slower, never stale) and rate limits let requests through.
After a failure this worker leaves Redis alone for a moment, so a Redis that hangs costs one
timeout, not one for every fragment of every page.
"""

import functools
import logging
import time

from redis.exceptions import RedisError

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("caching.redis")
LOG_EVERY_SECONDS = 30
# After a failure, calls are answered as misses at once for this long, then Redis is tried again.
RETRY_AFTER_SECONDS = 2.0
_last_logged = 0.0


def _note_outage(cache: "ResilientRedisCache", error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    cache.left_alone_until = now + RETRY_AFTER_SECONDS
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.error("Cache unavailable, serving without it: %s", type(error).__name__)


def _missed(miss, args, kwargs, error: Exception | None = None):
    if isinstance(miss, type) and issubclass(miss, Exception):
        raise miss("cache unavailable") from error
    return miss(*args, **kwargs) if callable(miss) else miss


def _miss_on_outage(miss):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(cache, *args, **kwargs):
            if time.monotonic() < cache.left_alone_until:
                return _missed(miss, (cache, *args), kwargs)
            try:
                return method(cache, *args, **kwargs)
            except RedisError as error:
                _note_outage(cache, error)
                return _missed(miss, (cache, *args), kwargs, error)

        return wrapper

    return decorate


def _default(self, key, default=None, version=None):
    return default


class ReusedRedisClient(RedisCacheClient):
    """Django makes a new redis.Redis for every cache call, and redis-py fills a table of some 170
    reply parsers each time: about 0.3 ms, more than the round trip itself on a cached page. One
    client per connection pool is safe to share (the pool hands out connections per call)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        self.left_alone_until = 0.0

    get = _miss_on_outage(_default)(RedisCache.get)
    get_many = _miss_on_outage({})(RedisCache.get_many)
    has_key = _miss_on_outage(False)(RedisCache.has_key)
    add = _miss_on_outage(False)(RedisCache.add)
    set = _miss_on_outage(None)(RedisCache.set)
    set_many = _miss_on_outage([])(RedisCache.set_many)
    touch = _miss_on_outage(False)(RedisCache.touch)
    delete = _miss_on_outage(False)(RedisCache.delete)
    delete_many = _miss_on_outage(None)(RedisCache.delete_many)
    clear = _miss_on_outage(None)(RedisCache.clear)
    # As if the key were missing: callers already handle that ValueError.
    incr = _miss_on_outage(ValueError)(RedisCache.incr)
    decr = _miss_on_outage(ValueError)(RedisCache.decr)
