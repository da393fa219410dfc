"""Production settings for `make bench`, with static files collected into the run's temp folder and
the benchmark's own app (generate_synthetic_content), which no other settings install."""

import os

from portal.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.synthetic"]  # noqa: F405
