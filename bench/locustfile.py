"""Readers for `make loadtest`: pages, search, the API and the feed, on loopback only.

bench/loadtest.py writes the plan (which URLs exist) and reads back the status counts; see
docs/operations.md. Run through that script, not on its own.
"""

import json
import os
import random
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
statuses: Counter = Counter()
connection_errors: Counter = Counter()


@events.request.add_listener
def count(response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    if status:
        statuses[status] += 1
    else:
        connection_errors[type(exception).__name__ if exception else "no response"] += 1


@events.quitting.add_listener
def write_counts(**kwargs):
    Path(os.environ["LOADTEST_COUNTS"]).write_text(
        json.dumps({"statuses": dict(statuses), "connection_errors": dict(connection_errors)})
    )


class Reader(FastHttpUser):
    """A patient or a hospital system reading the portal."""

    wait_time = between(PLAN["think_seconds"][0], PLAN["think_seconds"][1])

    def get(self, path: str, name: str):
        # Any answer under 500 is a correct answer here (a 404 for a mistyped search is fine);
        # 5xx and failed connections are what the run counts as errors.
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code and response.status_code < 500:
                response.success()

    @task(6)
    def page(self):
        self.get(random.choice(PLAN["pages"]), "page")

    @task(2)
    def search(self):
        self.get(f"/search/?q={random.choice(PLAN['search_words'])}", "search")

    @task(2)
    def api(self):
        if random.random() < 0.5:
            self.get(f"/api/v2/pages/{random.choice(PLAN['page_ids'])}/", "api detail")
        else:
            self.get(random.choice(PLAN["api_listings"]), "api listing")

    @task(1)
    def feed(self):
        self.get("/feeds/updates/", "feed")
