"""A database check: every watched table has the triggers that move the record of change."""

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def record_triggers_installed(app_configs=None, databases=None, **kwargs):
    from .triggers import expected, installed

    problems = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor not in ("sqlite", "postgresql"):
            continue
        missing = sorted(expected(connection) - installed(connection))
        if missing:
            problems.append(
                checks.Error(
                    f"{len(missing)} triggers of the record of change are missing ({', '.join(missing[:3])} …): "
                    "pages could be served stale after a change.",
                    hint="Run `manage.py migrate`, which installs them.",
                    id="caching.E001",
                )
            )
    return problems
