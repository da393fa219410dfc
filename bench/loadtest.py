"""`make loadtest`: readers load the portal while an editor publishes, all on loopback.

Sets up a scratch database with the real content (on the PostgreSQL server of DATABASE_URL when
it names one, else SQLite), serves it with gunicorn and the production settings, and runs 64
locust readers for 60 seconds over pages, search, the API and the feed. Meanwhile an editor
process publishes 20 revisions of one page through the ORM, and a watcher reads that page in a
loop to time when each revision is first served. Everything it starts, it stops; the scratch
database and files are removed. Results go to bench/loadtest-results.md.
"""

import argparse
import contextlib
import csv
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from tooling.processes import (
    collected_static_is_current,
    free_port,
    gunicorn_command,
    postgres_admin_conninfo,
    run_python_in_repo,
    stop_process,
    throwaway_postgres_database,
)

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EDITED_PATH = "/what-is-immunotherapy/"
MARKER = re.compile(r"loadtest-r(\d+)-[0-9a-f]{6}")
SEARCH_WORDS = ["immunotherapy", "fever", "rash", "checkpoint", "CAR-T", "vaccine", "diarrhoea", "tiredness"]
VISIBLE_WITHIN = 1.0

EDITOR = """
import json, secrets, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from wagtail.models import Page
from review.models import UnreviewedPublish
from review.sign_off import publishing_without_sign_off

page_id, count, interval, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
editor, _ = get_user_model().objects.get_or_create(username="loadtest-editor", defaults={"is_superuser": True})
page = Page.objects.get(pk=page_id).specific
base_title = page.title
time.sleep(max(0.0, start_at - time.time()))
for number in range(1, count + 1):
    due = start_at + (number - 1) * interval
    time.sleep(max(0.0, due - time.time()))
    marker = f"loadtest-r{number:02d}-{secrets.token_hex(3)}"
    page = Page.objects.get(pk=page_id).specific
    page.title = f"{base_title} {marker}"
    started = time.time()
    revision = page.save_revision(user=editor)
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Load test"):
        revision.publish(user=editor)
    print(json.dumps({"number": number, "marker": marker, "revision": revision.pk,
                      "started": started, "committed": time.time()}), flush=True)
"""

CHECK_REVISIONS = """
import json, sys
import django
django.setup()
from wagtail.models import Page, Revision

page = Page.objects.get(pk=int(sys.argv[1])).specific
titles = [r.content.get("title", "") for r in Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk")]
print(json.dumps({"titles": titles, "live_title": page.title, "live_revision": page.live_revision_id,
                  "latest_revision": page.latest_revision_id, "has_unpublished_changes": page.has_unpublished_changes}))
"""

PREPARE = """
import io, json
import django
django.setup()
from django.core.management import call_command
from wagtail.models import Page
for command in ("migrate", "load_content", "configure_site"):
    call_command(command, stdout=io.StringIO())
print(json.dumps({"page_id": Page.objects.get(url_path="/home%s").pk}))
"""


@contextlib.contextmanager
def scratch_database(work: Path) -> Iterator[tuple[str, str]]:
    """An empty database like DATABASE_URL's kind: (url, description); dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        # An SQLite DATABASE_URL's options (journal mode, transaction mode) apply to the scratch file.
        options = urlsplit(url).query if url.startswith("sqlite:") else ""
        yield (
            f"sqlite:///{work / 'loadtest.sqlite3'}" + (f"?{options}" if options else ""),
            (f"SQLite ({options})" if options else "SQLite"),
        )
        return
    import dj_database_url
    import psycopg

    if dj_database_url.parse(url).get("HOST") not in {"127.0.0.1", "localhost", "::1", ""}:
        sys.exit("The load test runs on loopback only: DATABASE_URL must name a local PostgreSQL server.")
    with psycopg.connect(postgres_admin_conninfo(url), autocommit=True) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    with throwaway_postgres_database(url, "portal_loadtest") as scratch_url:
        yield scratch_url, f"PostgreSQL {version}"


def run_python(code: str, args: list[str], environment: dict[str, str], timeout: float) -> str:
    result = run_python_in_repo(["-c", code, *args], environment, timeout)
    if result.returncode:
        sys.exit(f"A setup step failed:\n{result.stderr[-3000:]}")
    return result.stdout


def get(port: int, path: str, timeout: float = 10) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_for(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if get(port, "/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.1)
    sys.exit(f"gunicorn did not answer within {seconds} s")


def reading_plan(port: int, think_seconds: tuple[float, float]) -> dict:
    """The URLs readers choose from, taken from the running site."""
    status, sitemap = get(port, "/sitemap.xml")
    assert status == 200, f"sitemap answered {status}"
    pages = sorted({urlsplit(location).path for location in re.findall(r"<loc>([^<]+)</loc>", sitemap)})
    status, listing = get(port, "/api/v2/pages/?limit=50")
    assert status == 200, f"API answered {status}"
    page_ids = [item["id"] for item in json.loads(listing)["items"]]
    return {
        "pages": pages,
        "page_ids": page_ids,
        "search_words": SEARCH_WORDS,
        "api_listings": ["/api/v2/pages/?limit=20", "/api/v2/glossary/?limit=20", "/api/v2/faqs/?limit=20"],
        "think_seconds": list(think_seconds),
    }


class Watcher(threading.Thread):
    """A reader of the edited page in a loop, noting which revision each response carried."""

    def __init__(self, port: int, pause: float = 0.05):
        super().__init__(daemon=True)
        self.port, self.pause = port, pause
        # (sent, received, revision number shown or 0 for the original)
        self.reads: list[tuple[float, float, int]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            sent = time.time()
            try:
                status, body = get(self.port, EDITED_PATH)
            except OSError as error:
                self.failures.append(type(error).__name__)
                status, body = 0, ""
            received = time.time()
            if status == 200:
                shown = MARKER.search(body)
                self.reads.append((sent, received, int(shown.group(1)) if shown else 0))
            else:
                self.failures.append(str(status))
            self.stop.wait(self.pause)

    def first_served(self, number: int) -> float | None:
        """When a response first carried revision `number` (or a later one)."""
        return min((received for _, received, shown in self.reads if shown >= number), default=None)

    def stale_reads(self, publishes: list[dict]) -> int:
        """Responses to requests sent after a publish had committed that showed an older revision."""
        commits = [(publish["committed"], publish["number"]) for publish in publishes]
        stale = 0
        for sent, _, shown in self.reads:
            newest = max((number for committed, number in commits if committed < sent), default=0)
            stale += shown < newest
        return stale


def latency_rows(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def collectstatic_if_needed(environment: dict[str, str]) -> None:
    if collected_static_is_current():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=REPO,
        env=environment,
        check=True,
        timeout=300,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "4")))
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.0, 0.0), metavar=("MIN", "MAX"), help="Seconds between requests."
    )
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "loadtest-results.md")
    options = parser.parse_args()
    if shutil.which("locust", path=str(BIN)) is None:
        sys.exit("locust is not installed in this virtualenv: run `make loadtest`.")

    work = Path(tempfile.mkdtemp(prefix="portal-loadtest-"))
    gunicorn = locust = editor = None
    watcher: Watcher | None = None
    redis_url = os.environ.get("REDIS_URL", "")
    prefix = f"loadtest-{secrets.token_hex(4)}"
    try:
        with scratch_database(work) as (database_url, database):
            environment = {
                **{key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}},
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "SECRET_KEY": "loadtest-" + secrets.token_hex(16),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_HSTS_SECONDS": "0",
                "DATABASE_URL": database_url,
                "MEDIA_ROOT": str(work / "media"),
                "CACHE_KEY_PREFIX": prefix,
                # Every reader comes from 127.0.0.1: the per-address limits would measure themselves.
                "RATE_LIMITS_ENABLED": "false",
                "LOG_LEVEL": "WARNING",
            }
            print(f"Preparing a scratch {database} database with the real content …", flush=True)
            page_id = json.loads(run_python(PREPARE % EDITED_PATH, [], environment, timeout=300))["page_id"]
            collectstatic_if_needed(environment)

            port = free_port()
            server_log = work / "gunicorn.log"
            with server_log.open("w") as log:
                gunicorn = subprocess.Popen(
                    gunicorn_command(port, options.workers, threads=options.threads),
                    cwd=REPO,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            wait_for(port, gunicorn, 40)
            plan = reading_plan(port, tuple(options.think))
            plan_path, counts_path, csv_prefix = work / "plan.json", work / "counts.json", work / "locust"
            plan_path.write_text(json.dumps(plan))
            print(
                f"Serving on 127.0.0.1:{port} ({options.workers} workers × {options.threads} threads); "
                f"{len(plan['pages'])} pages. {options.users} readers for {options.seconds} s …",
                flush=True,
            )

            load_before = os.getloadavg()[0]
            watcher = Watcher(port)
            watcher.start()
            started = time.time()
            locust = subprocess.Popen(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(REPO / "bench" / "locustfile.py"),
                    "--headless",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--users",
                    str(options.users),
                    "--spawn-rate",
                    str(options.users),
                    "--run-time",
                    f"{options.seconds}s",
                    "--stop-timeout",
                    "5",
                    "--csv",
                    str(csv_prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=REPO,
                env={**os.environ, "LOADTEST_PLAN": str(plan_path), "LOADTEST_COUNTS": str(counts_path)},
                stdout=subprocess.DEVNULL,
                stderr=(work / "locust.log").open("w"),
            )
            # The editor starts once the readers are all running and ends before they stop.
            interval = (options.seconds - 10) / options.revisions
            editor = subprocess.Popen(
                [sys.executable, "-c", EDITOR, str(page_id), str(options.revisions), str(interval), str(started + 5)],
                cwd=REPO,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=(work / "editor.log").open("w"),
                text=True,
            )
            editor_output, _ = editor.communicate(timeout=options.seconds + 60)
            editor_error = ""
            if editor.returncode:
                editor_log = (work / "editor.log").read_text()
                print(f"The editor failed:\n{editor_log[-3000:]}", file=sys.stderr)
                editor_error = (editor_log.strip().splitlines() or ["(no output)"])[-1]
            locust.wait(timeout=options.seconds + 60)
            # A last look for the final revision, then the watcher stops.
            settle = time.time() + 3
            while time.time() < settle and watcher.first_served(options.revisions) is None:
                time.sleep(0.05)
            watcher.stop.set()
            watcher.join(timeout=15)

            publishes = [json.loads(line) for line in editor_output.splitlines() if line.startswith("{")]
            revisions = json.loads(run_python(CHECK_REVISIONS, [str(page_id)], environment, timeout=120))
            counts = json.loads(counts_path.read_text())
            rows = latency_rows(csv_prefix)
            server_errors = [line for line in server_log.read_text().splitlines() if "Traceback" in line]
            report = summarise(
                options,
                database,
                plan,
                publishes,
                watcher,
                revisions,
                counts,
                rows,
                server_errors,
                load_before,
                editor_error,
            )
    finally:
        if watcher:
            watcher.stop.set()
        for process in (editor, locust, gunicorn):
            stop_process(process)
        if redis_url:
            with contextlib.suppress(Exception):
                import redis

                client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
                keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
                if keys:
                    client.delete(*keys)
        shutil.rmtree(work, ignore_errors=True)

    print(report["text"])
    options.results.write_text(report["markdown"])
    print(
        f"\nWritten to {options.results.relative_to(REPO) if options.results.is_relative_to(REPO) else options.results}"
    )
    return 0 if report["passed"] else 1


def summarise(
    options, database, plan, publishes, watcher, revisions, counts, rows, server_errors, load_before, editor_error
) -> dict:
    statuses = {int(code): number for code, number in counts["statuses"].items()}
    total = sum(statuses.values()) + sum(counts["connection_errors"].values())
    five_hundreds = sum(number for code, number in statuses.items() if code >= 500)
    connection_errors = sum(counts["connection_errors"].values())
    aggregated = next(row for row in rows if row["Name"] == "Aggregated")
    delays = []
    for publish in publishes:
        seen = watcher.first_served(publish["number"])
        delays.append(None if seen is None else max(0.0, seen - publish["committed"]))
    seen_delays = [delay for delay in delays if delay is not None]
    # A stale read: a request sent after a publish had committed, answered with an older revision.
    stale = watcher.stale_reads(publishes)
    expected_titles = {publish["marker"] for publish in publishes}
    stored_markers = {match.group(0) for title in revisions["titles"] for match in [MARKER.search(title)] if match}
    last_marker = publishes[-1]["marker"] if publishes else None
    checks = {
        "zero 5xx responses": five_hundreds == 0 and not server_errors,
        "zero connection errors": connection_errors == 0 and not watcher.failures,
        "no stale read after a publish": stale == 0,
        f"{options.revisions} revisions published": len(publishes) == options.revisions,
        "every revision stored": len(publishes) == options.revisions and expected_titles <= stored_markers,
        "the last revision is live": bool(last_marker) and last_marker in revisions["live_title"],
        f"each revision served within {VISIBLE_WITHIN:g} s": bool(publishes)
        and len(seen_delays) == len(publishes)
        and all(delay <= VISIBLE_WITHIN for delay in seen_delays),
    }
    per_endpoint = [
        (
            row["Name"],
            row["Request Count"],
            row["Failure Count"],
            row["50%"],
            row["95%"],
            row["99%"],
            row["Max Response Time"],
        )
        for row in rows
        if row["Name"] != "Aggregated"
    ]
    facts = [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Machine", f"{os.cpu_count()} cores, loopback only"),
        ("Database", database),
        ("Cache", "Redis" if os.environ.get("REDIS_URL") else "local memory (per process)"),
        ("Server", f"gunicorn, production settings, {options.workers} workers × {options.threads} threads"),
        (
            "Readers",
            f"{options.users} locust users for {options.seconds} s, think time {options.think[0]:g}–{options.think[1]:g} s",
        ),
        ("Mix", "pages 6 : search 2 : API 2 : feed 1"),
        ("Requests", f"{total:,} ({float(aggregated['Requests/s']):.1f} per second)"),
        (
            "Latency",
            f"p50 {aggregated['50%']} ms, p95 {aggregated['95%']} ms, p99 {aggregated['99%']} ms, max {float(aggregated['Max Response Time']):.0f} ms",
        ),
        ("Status codes", ", ".join(f"{code}: {number:,}" for code, number in sorted(statuses.items()))),
        ("5xx responses", str(five_hundreds)),
        (
            "Connection errors",
            str(connection_errors) + (f" ({counts['connection_errors']})" if connection_errors else ""),
        ),
        ("Watcher", f"{len(watcher.reads)} reads of {EDITED_PATH}, failures: {len(watcher.failures)}"),
        ("Stale reads", f"{stale} (requests sent after a publish committed that got an older revision)"),
        (
            "Load average",
            f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (1 min; other work on the machine)",
        ),
        (
            "Publish → first served",
            (
                f"median {statistics.median(seen_delays):.3f} s, max {max(seen_delays):.3f} s"
                if seen_delays
                else "never seen"
            ),
        ),
        (
            "Editor",
            f"published {len(publishes)} of {options.revisions}"
            + (f"; failed: {editor_error}" if editor_error else ""),
        ),
        (
            "Revisions stored",
            f"{len(stored_markers & expected_titles)} of {len(publishes)} (page has {len(revisions['titles'])} in all)",
        ),
    ]
    width = max(len(label) for label, _ in facts)
    text = ["", "Load test summary", "=" * 17]
    text += [f"{label.ljust(width)}  {value}" for label, value in facts]
    text += ["", f"{'endpoint':<12} {'requests':>9} {'failed':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)"]
    text += [
        f"{name:<12} {count:>9} {failed:>7} {p50:>6} {p95:>6} {p99:>6} {float(worst):>7.0f}"
        for name, count, failed, p50, p95, p99, worst in per_endpoint
    ]
    text += ["", "Publish → first served (s): " + " ".join("never" if d is None else f"{d:.2f}" for d in delays), ""]
    text += [f"{'PASS' if ok else 'FAIL'}  {check}" for check, ok in checks.items()]
    markdown = ["# Load test results", "", "Made by `make loadtest` (bench/loadtest.py); see docs/operations.md.", ""]
    markdown += ["| | |", "| --- | --- |"] + [f"| {label} | {value} |" for label, value in facts]
    markdown += [
        "",
        "| Endpoint | Requests | Failed | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    markdown += [
        f"| {name} | {count} | {failed} | {p50} | {p95} | {p99} | {float(worst):.0f} |"
        for name, count, failed, p50, p95, p99, worst in per_endpoint
    ]
    markdown += [
        "",
        "Seconds from each publish (commit) to the first response that carried it, revisions 1 to "
        f"{len(delays)}: " + ", ".join("never" if d is None else f"{d:.2f}" for d in delays),
    ]
    markdown += ["", "| Check | Result |", "| --- | --- |"] + [
        f"| {check} | {'pass' if ok else 'FAIL'} |" for check, ok in checks.items()
    ]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown) + "\n", "passed": all(checks.values())}


if __name__ == "__main__":
    sys.exit(main())
