"""Everything that keeps copies of what readers see, and the one record that says when they are old.

See docs/architecture.md. In short: the database keeps a record of change (two generation numbers,
caching.models.ChangeRecord) that triggers move in the same transaction as any change a reader could
see; every copy kept anywhere (Redis, a worker's memory) is keyed by a generation, so a change made by
any process is seen by every process on its next request, whatever happens to the caches.
"""
