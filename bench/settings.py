"""Production settings for `make bench`, with static files collected into the run's temp folder."""

import os

from portal.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
