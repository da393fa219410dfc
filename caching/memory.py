"""Values one worker keeps in its own memory, least recently used out first, up to a byte budget.

Everything kept here is keyed by a generation of the record of change (caching/record.py), which
every request reads from the database. A change made by any process moves it, so a worker can
never serve what it kept from before the change: the old keys are simply never asked for again and
age out. This saves a round trip to Redis, and the unpickling, for each fragment, link and page a
worker has used lately; without Redis it is the only copy.
"""

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# What keeping a value costs beyond its own bytes (the key, the dict slot), for the budget.
OVERHEAD_BYTES = 256


def approximate_size(value: Any) -> int:
    """Bytes a value takes, near enough for a budget: text by length, anything else pickled."""
    if isinstance(value, str | bytes):
        return len(value)
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


class WorkerMemory:
    def __init__(self, max_bytes: int, size_of: Callable[[Any], int] = approximate_size):
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._values: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # threaded gunicorn workers share one memory

    def get(self, key: str) -> Any | None:
        with self._lock:
            kept = self._values.get(key)
            if kept is None:
                return None
            self._values.move_to_end(key)
            return kept[0]

    def put(self, key: str, value: Any) -> None:
        size = self._size_of(value) + OVERHEAD_BYTES
        if size > self.max_bytes:
            return
        with self._lock:
            previous = self._values.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._values[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, oldest_size) = self._values.popitem(last=False)
                self._bytes -= oldest_size

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0
