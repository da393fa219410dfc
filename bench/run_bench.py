"""`make bench`: the production server shape under load, with the real content and then with
5,000 synthetic pages, compared with two ceilings on the same machine. Writes bench/results.md.

Steps: a database of its own (PostgreSQL beside DATABASE_URL's, else a temp SQLite file) with the
real content; gunicorn (2 sync workers, production settings) with the page cache on, then off;
wrk (2 threads, 16 connections) against each page after a warm-up, median of several rounds;
the /healthz view and nginx serving a saved copy of the article as ceilings; page weight and
render-blocking checks; a publish to prove the cache is not stale; then the key pages again
with 5,000 synthetic pages. Every child process, temp folder, cache key and the bench database
are removed at the end, whatever happens.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import database, servers
from bench.load import CONNECTIONS, HEADERS, THREADS, Figures, Wrk, median_round, wrk_path, wrk_version
from bench.page_checks import PageWeight, fetch, page_weight

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results.md"
REDIS_URL = "redis://127.0.0.1:6379/0"

ARTICLE = "/side-effects-and-monitoring/"
PAGES = [
    ("Home", "/"),
    ("Hub", "/types/"),
    ("Therapy page", "/types/checkpoint-inhibitors/"),
    ("Article", ARTICLE),
    ("Search", "/search/?q=fever"),
    ("API listing", "/api/v2/pages/?limit=20"),
    ("Embed view", f"/embed{ARTICLE}"),
    ("Atom feed", "/feeds/updates/"),
]
KEY_PAGES = ["Home", "Hub", "Therapy page", "Article", "Search"]
# Pages the page cache serves; search answers every query afresh.
CACHEABLE = [label for label, _ in PAGES if label != "Search"]
UNCACHED_TARGET_PAGES = ["Home", "Therapy page", "Article"]
MODES = ("cached", "uncached")

# Targets from the issue ("Fast on a small server").
CACHED_SHARE_TARGET = 75.0
CACHED_P99_TARGET_MS = 10.0
UNCACHED_SHARE_TARGET = 5.0
SEARCH_P95_TARGET_MS = 50.0
GROWTH_TARGET = 1.5
WEIGHT_TARGET_BYTES = 60 * 1024

# A publish through Wagtail's own calls, run in a separate process as an editor's would be.
PUBLISH_SNIPPET = """
from wagtail.models import Site
root = Site.objects.get(is_default_site=True).root_page
page = root.get_descendants().get(url_path=root.url_path + {path!r}.lstrip("/")).specific
page.title = {new_title}
page.save_revision().publish()
print(page.title)
"""
FRESHNESS_MARK = " (bench check)"

# Environment that must not leak from the caller's shell into the benchmark's processes.
CLEARED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "PAGE_CACHE",
    "DJANGO_SETTINGS_MODULE",
    "URL_PREFIX",
    "STATIC_URL",
    "MEDIA_URL",
    "FORCE_SCRIPT_NAME",
)


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


class BenchTimeout(Exception):
    pass


@dataclass
class Phase:
    """Figures from one database state: per mode, per page label, plus the ceilings."""

    name: str
    page_count: int = 0
    figures: dict[str, dict[str, Figures]] = field(default_factory=lambda: {mode: {} for mode in MODES})
    # The /healthz rounds run just before each page's rounds, paired with that page.
    ceilings: dict[str, dict[str, Figures]] = field(default_factory=lambda: {mode: {} for mode in MODES})
    healthz_rounds: dict[str, list[Figures]] = field(default_factory=lambda: {mode: [] for mode in MODES})
    # One client at a time: with the page cache on a repeated question's answer is kept; off, it is ranked afresh.
    search_single: dict[str, Figures] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    cache_status: dict[str, str] = field(default_factory=dict)

    def healthz(self, mode: str) -> Figures | None:
        rounds = self.healthz_rounds[mode]
        return median_round(rounds) if rounds else None


@dataclass
class Report:
    started: datetime
    settings: dict[str, str] = field(default_factory=dict)
    phases: list[Phase] = field(default_factory=list)
    nginx: Figures | None = None
    nginx_note: str = ""
    weight: PageWeight | None = None
    fresh_after_publish: bool | None = None
    freshness_note: str = ""
    generate_seconds: float | None = None
    synthetic_pages: int = 0
    load_start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_samples: list[float] = field(default_factory=list)  # 1-minute load after each measurement


# -- tools ---------------------------------------------------------------------------------------


def ensure_tools() -> None:
    """wrk is needed; nginx is optional (its ceiling is skipped). Installs them with apt if it can."""
    missing = [name for name in ("wrk", "nginx") if not _nginx_or_which(name)]
    if missing:
        apt = shutil.which("apt-get")
        prefix = [] if os.geteuid() == 0 else ([shutil.which("sudo"), "-n"] if shutil.which("sudo") else None)
        if apt and prefix is not None:
            say(f"Installing {', '.join(missing)} with apt-get")
            install = [*prefix, apt, "install", "-y", "-q", *missing]
            apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            done = _run_quietly(install, apt_env) or (
                _run_quietly([*prefix, apt, "update", "-q"], apt_env) and _run_quietly(install, apt_env)
            )
            if not done:
                say(f"apt-get could not install {', '.join(missing)}.")
        else:
            say(f"{', '.join(missing)} missing and apt-get is not available here (or needs a password).")
    if not wrk_path():
        raise SystemExit(
            "make bench needs wrk (https://github.com/wg/wrk). Install it with your package manager, "
            "for example `apt-get install wrk` or `brew install wrk`, then run `make bench` again."
        )
    if not _nginx_or_which("nginx"):
        say("nginx not found: the nginx ceiling will be skipped (install nginx to measure it).")


def _nginx_or_which(name: str) -> str | None:
    if name == "nginx":
        return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    return shutil.which(name)


def _run_quietly(command: list[str], env: dict) -> bool:
    try:
        return subprocess.run(command, env=env, capture_output=True, timeout=600).returncode == 0  # noqa: S603
    except subprocess.TimeoutExpired:
        return False


def current_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return result.stdout.strip() or "unknown"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


# -- the run -------------------------------------------------------------------------------------


class BenchRun:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.temp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.database = database.plan(os.environ.get("DATABASE_URL", ""), self.temp)
        self.use_redis = redis_reachable()
        self.cache_prefix = f"bench-{os.getpid()}"
        self.children: list[servers.Child] = []
        self.database_created = False
        self.wrk = Wrk(self.temp)
        self.report = Report(started=datetime.now(UTC), load_start=os.getloadavg())
        self.base_env = self._base_env()
        self.article_copy: tuple[bytes, dict[str, str]] | None = None
        self.commit = "unknown"

    def note_code_changes(self) -> None:
        """Each server loads the code when it starts: say so if HEAD moved during the run."""
        now = current_commit()
        if now != self.commit and "Commit" in self.report.settings:
            self.report.settings["Commit"] += (
                f"; HEAD moved to {now} during the run, so servers started later may have run newer code"
            )
            self.commit = now

    def _base_env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if name not in CLEARED_ENV}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_STATIC_ROOT=str(self.temp / "static"),
            MEDIA_ROOT=str(self.temp / "media"),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            RATE_LIMITS_ENABLED="false",
            DATABASE_URL=self.database.url,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        if self.use_redis:
            env["REDIS_URL"] = REDIS_URL
        return env

    def env(self, cache_prefix: str, page_cache: bool | None = None) -> dict[str, str]:
        env = {**self.base_env, "CACHE_KEY_PREFIX": f"{self.cache_prefix}-{cache_prefix}"}
        if page_cache is not None:
            env["PAGE_CACHE"] = "true" if page_cache else "false"
        return env

    def manage(self, *arguments: str, timeout: int = 900, env: dict | None = None, label: str = "") -> str:
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - a fixed command line, no shell
            [sys.executable, "manage.py", *arguments],
            cwd=REPO,
            env=env or self.env("prepare"),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(arguments)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        say(f"manage.py {label or ' '.join(arguments)}: {time.monotonic() - started:.1f} s")
        return result.stdout

    # -- steps -----------------------------------------------------------------------------

    def prepare(self) -> None:
        say(f"Preparing the bench database: {self.database.name}")
        database.create(self.database)
        self.database_created = True
        self.manage("migrate", "--no-input")
        self.manage("load_content")
        self.manage("configure_site")
        self.manage("collectstatic", "--no-input")
        self._record_settings()

    def _record_settings(self) -> None:
        redis_version = ""
        if self.use_redis:
            import redis

            redis_version = redis.Redis.from_url(REDIS_URL).info("server").get("redis_version", "")
        nginx = _nginx_or_which("nginx")
        nginx_version = ""
        if nginx:
            output = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10)  # noqa: S603
            nginx_version = (output.stderr or output.stdout).strip().split("/")[-1]
        self.commit = current_commit()
        self.report.settings = {
            "Date": self.report.started.strftime("%Y-%m-%d %H:%M UTC"),
            "Commit": f"{self.commit} (plus any uncommitted changes in the working tree)",
            "CPU cores (nproc)": str(os.cpu_count()),
            "Python": platform.python_version(),
            "Django / Wagtail": f"{metadata.version('django')} / {metadata.version('wagtail')}",
            "Database": database.describe(self.database),
            "Cache": f"Redis {redis_version} on 127.0.0.1:6379, key prefix {self.cache_prefix}-*"
            if self.use_redis
            else "local memory per worker (Redis not reachable on 127.0.0.1:6379)",
            "Server": f"gunicorn {metadata.version('gunicorn')}, {servers.WORKERS} sync workers, "
            "portal.settings.production (bench.settings: static files in a temp folder)",
            "Load": f"{wrk_version()}, {THREADS} threads, {CONNECTIONS} connections, "
            f"{self.args.warmup} s warm-up, median of {self.args.rounds} rounds of {self.args.seconds} s, "
            f"headers {'; '.join(f'{name}: {value}' for name, value in HEADERS.items())}",
            "nginx": nginx_version or "not installed",
        }

    def phase(self, name: str, labels: list[str], checks: bool) -> Phase:
        phase = Phase(name)
        paths = dict(PAGES)
        for mode in MODES:
            log = self.temp / f"gunicorn-{name}-{mode}.log"
            env = self.env(f"{name}-{mode}", page_cache=mode == "cached")
            server = servers.start_gunicorn(env, log)
            self.children.append(server)
            try:
                say(f"[{name}, {mode}] gunicorn on {server.base_url}")
                self._verify(server, phase, [(label, paths[label]) for label in labels], mode)
                for label in labels:
                    page, ceiling_rounds = self._measure(server, paths[label], f"[{name}, {mode}] {label}", "/healthz")
                    phase.figures[mode][label] = page
                    phase.ceilings[mode][label] = median_round(ceiling_rounds)
                    phase.healthz_rounds[mode].extend(ceiling_rounds)
                if "Search" in labels:
                    single, _ = self.wrk.measure(
                        server.base_url + paths["Search"], 1, self.args.seconds, 1, connections=1
                    )
                    phase.search_single[mode] = single
                    say(f"[{name}, {mode}] search, one client: p95 {single.p95_ms:.1f} ms")
                if checks and mode == "cached":
                    self._page_checks(server, env)
            finally:
                server.stop()
                self.children.remove(server)
        if checks:
            self._nginx_ceiling()
        return phase

    def _verify(self, server: servers.Child, phase: Phase, pages: list[tuple[str, str]], mode: str) -> None:
        """Every page answers 200 before it is measured; the second fetch shows the cache at work."""
        response = fetch(server.base_url + "/api/v2/pages/?limit=1")
        phase.page_count = json.loads(response.text)["meta"]["total_count"]
        for label, path in pages:
            fetch(server.base_url + path)
            response = fetch(server.base_url + path)
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            phase.sizes[label] = len(response.body)
            if mode == "cached":
                phase.cache_status[label] = response.headers.get("X-Cache", "-")

    def _measure(
        self, server: servers.Child, path: str, label: str, ceiling_path: str | None = None
    ) -> tuple[Figures, list[Figures]]:
        ceiling_url = server.base_url + ceiling_path if ceiling_path else None
        figures, ceiling_rounds = self.wrk.measure(
            server.base_url + path, self.args.rounds, self.args.seconds, self.args.warmup, ceiling_url=ceiling_url
        )
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} stopped during {label}:\n{server.log_tail()}")
        self.report.load_samples.append(os.getloadavg()[0])
        note = f", {figures.failures} failed" if figures.failures else ""
        line = f"{label}: {figures.rps:,.0f} req/s, p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms{note}"
        if ceiling_rounds:
            line += f" (healthz beside it: {median_round(ceiling_rounds).rps:,.0f} req/s)"
        say(line)
        return figures, ceiling_rounds

    def _page_checks(self, server: servers.Child, env: dict[str, str]) -> None:
        article = fetch(server.base_url + ARTICLE)
        keep = ("Content-Type", "Content-Encoding", "Vary")
        self.article_copy = (article.body, {name: article.headers[name] for name in keep if name in article.headers})
        self.report.weight = page_weight(server.base_url, ARTICLE)
        say(f"Article weight: {self.report.weight.total_bytes / 1024:.1f} KB as transferred")
        self._freshness(server, env)

    def _freshness(self, server: servers.Child, env: dict[str, str]) -> None:
        """Publish a new title from another process (same database and cache as the server, as an
        editor's request would be); the cached article must show it at once."""
        url = server.base_url + ARTICLE
        before = fetch(url)
        if before.headers.get("X-Cache") != "hit":
            self.report.freshness_note = (
                f"the article was not served from the cache (X-Cache: {before.headers.get('X-Cache', 'none')}); "
            )
        self.manage(
            "shell",
            "-c",
            PUBLISH_SNIPPET.format(path=ARTICLE, new_title=f"page.title + {FRESHNESS_MARK!r}"),
            env=env,
            label="shell: publish the article with a new title",
        )
        after = fetch(url)
        self.manage(
            "shell",
            "-c",
            PUBLISH_SNIPPET.format(path=ARTICLE, new_title=f"page.title.removesuffix({FRESHNESS_MARK!r})"),
            env=env,
            label="shell: publish the old title again",
        )
        restored = fetch(url)
        self.report.fresh_after_publish = FRESHNESS_MARK in after.text and FRESHNESS_MARK not in restored.text
        self.report.freshness_note += (
            f"after publishing a new title the next request showed it (X-Cache: {after.headers.get('X-Cache', 'none')}), "
            f"and after publishing the old title back, that (X-Cache: {restored.headers.get('X-Cache', 'none')})"
            if self.report.fresh_after_publish
            else "the cached article still showed the old title after a publish"
        )
        if not self.use_redis:
            self.report.freshness_note += " (local-memory cache: each worker and process keeps its own)"
        say(f"Fresh after publish: {self.report.fresh_after_publish}")

    def _nginx_ceiling(self) -> None:
        if not _nginx_or_which("nginx"):
            self.report.nginx_note = "nginx not installed"
            return
        if self.article_copy is None:
            return
        body, headers = self.article_copy
        # nginx's workers run as 'nobody' when started by root: let them through to the copy.
        self.temp.chmod(0o711)
        child = servers.start_nginx(self.temp / "nginx", body, headers)
        self.children.append(child)
        try:
            self.report.nginx, _ = self._measure(child, "/", "[nginx] saved article")
        finally:
            child.stop()
            self.children.remove(child)

    def generate(self, pages: int) -> None:
        say(f"Generating {pages:,} synthetic pages")
        started = time.monotonic()
        self.manage("generate_synthetic_content", "--pages", str(pages), timeout=3600, env=self.env("generate"))
        self.report.generate_seconds = time.monotonic() - started
        self.report.synthetic_pages = pages

    # -- clean-up --------------------------------------------------------------------------

    def cleanup(self) -> None:
        for child in list(self.children):
            try:
                child.stop()
            except Exception as error:  # keep cleaning up whatever else is left
                say(f"Could not stop {child.name}: {error}")
        if self.database_created:
            try:
                database.drop(self.database)
            except Exception as error:
                say(f"Could not drop the bench database {self.database.name}: {error}")
        if self.use_redis:
            try:
                import redis

                client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
                keys = list(client.scan_iter(match=f"{self.cache_prefix}-*", count=1000))
                for start in range(0, len(keys), 1000):
                    client.delete(*keys[start : start + 1000])
            except Exception as error:
                say(f"Could not remove the bench cache keys: {error}")
        shutil.rmtree(self.temp, ignore_errors=True)


# -- the report ----------------------------------------------------------------------------------


def _share(value: float, ceiling: Figures | None) -> str:
    return f"{100 * value / ceiling.rps:.0f}%" if ceiling and ceiling.rps else "–"


def _ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}×" if before else "–"


def _cell(figures: Figures | None) -> list[str]:
    if figures is None:
        return ["–", "–", "–"]
    failed = f" ({figures.failures} failed)" if figures.failures else ""
    return [f"{figures.rps:,.0f}{failed}", f"{figures.p50_ms:.1f}", f"{figures.p99_ms:.1f}"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render(report: Report) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run_bench.py). Figures are measured, never asserted by tests: they",
        "depend on the machine and on whatever else it was doing (see the load average).",
        "",
        "## Machine and set-up",
        "",
    ]
    facts = dict(report.settings)
    facts["Load average (1, 5, 15 min) at start"] = ", ".join(f"{value:.2f}" for value in report.load_start)
    facts["Load average at end"] = ", ".join(f"{value:.2f}" for value in report.load_end)
    if report.load_samples:
        facts["1-minute load during the measurements"] = (
            f"{min(report.load_samples):.2f} to {max(report.load_samples):.2f} (2 cores; wrk itself adds about 1)"
        )
    lines += _table(["", ""], [[name, value] for name, value in facts.items()])
    if not report.phases:
        return "\n".join(lines) + "\n"
    first = report.phases[0]
    lines += ["", "## Ceilings", ""]
    ceiling_rows = []
    for mode in MODES:
        rounds = first.healthz_rounds[mode]
        spread = f"{min(r.rps for r in rounds):,.0f} – {max(r.rps for r in rounds):,.0f}" if rounds else "–"
        ceiling_rows.append([f"`/healthz` on the {mode} server", *_cell(first.healthz(mode)), spread])
    ceiling_rows.append(["nginx serving a saved copy of the article", *_cell(report.nginx), ""])
    lines += _table(["Ceiling", "req/s (median round)", "p50 ms", "p99 ms", "req/s, all rounds"], ceiling_rows)
    if report.nginx_note:
        lines += ["", f"nginx: {report.nginx_note}."]
    lines += [
        "",
        f"## Pages, real content ({first.page_count} pages)",
        "",
        "Share of a ceiling = the page's requests per second ÷ the ceiling's. Each page's healthz ceiling is",
        "the median of the /healthz rounds run alternately with its own rounds on the same server, so both",
        "saw the same background load. X-Cache is what the cached server said on a repeat request.",
        "",
    ]
    rows = []
    for label, path in PAGES:
        if label not in first.figures["cached"]:
            continue
        row = [label, f"`{path}`", f"{first.sizes.get(label, 0) / 1024:.1f}", first.cache_status.get(label, "-")]
        for mode in MODES:
            figures = first.figures[mode].get(label)
            row += _cell(figures)
            row += [_share(figures.rps, first.ceilings[mode].get(label)), _share(figures.rps, report.nginx)]
        rows.append(row)
    header = ["Page", "URL", "KB sent", "X-Cache"]
    for mode in MODES:
        header += [f"{mode} req/s", f"{mode} p50 ms", f"{mode} p99 ms", f"{mode} % healthz", f"{mode} % nginx"]
    lines += _table(header, rows)
    if len(report.phases) > 1:
        lines += _scale_section(report, first, report.phases[1])
    lines += ["", "## Targets", ""]
    lines += _table(["Target", "Measured", "Met"], _targets(report))
    if report.freshness_note:
        lines += ["", f"Freshness check: {report.freshness_note}."]
    if report.weight:
        lines += ["", "Article weight (bytes as transferred with `Accept-Encoding: gzip`):", ""]
        weight = report.weight
        weight_rows = [
            [f"HTML `{ARTICLE}`", f"{weight.html_bytes:,}", weight.html_encoding],
            *[[f"`{url}`", f"{size:,}", encoding] for url, size, encoding in weight.assets],
            ["Total", f"{weight.total_bytes:,}", ""],
        ]
        if weight.html_encoding != "gzip":
            weight_rows.append(["Total if a proxy gzips the HTML", f"{weight.total_if_html_gzipped:,}", "gzip"])
        lines += _table(["Resource", "Bytes", "Encoding"], weight_rows)
    return "\n".join(lines) + "\n"


def _scale_section(report: Report, first: Phase, second: Phase) -> list[str]:
    generated = (
        f"Generating them (`manage.py generate_synthetic_content --pages {report.synthetic_pages}`) took "
        f"{report.generate_seconds:.0f} s."
        if report.generate_seconds
        else ""
    )
    lines = [
        "",
        f"## With {report.synthetic_pages:,} synthetic pages ({second.page_count:,} pages in all)",
        "",
        f"{generated} Ratios are after ÷ before: req/s below 1.00× is slower, latency above 1.00× is slower.",
        "The share of the healthz ceiling (measured beside each page, as above) separates a change in the page",
        "from a change in the machine's background load between the two runs.",
        "",
    ]
    header = ["Page", "Mode", "req/s before → after", "req/s ratio", "% healthz before → after"]
    header += ["p50 ms before → after", "p50 ratio", "p99 ms before → after", "p99 ratio"]
    rows = []
    for label in ["/healthz", *KEY_PAGES]:
        for mode in MODES:
            if label == "/healthz":
                before, after = first.healthz(mode), second.healthz(mode)
                shares = "–"
            else:
                before, after = first.figures[mode].get(label), second.figures[mode].get(label)
                shares = (
                    f"{_share(before.rps, first.ceilings[mode].get(label))} → "
                    f"{_share(after.rps, second.ceilings[mode].get(label))}"
                    if before and after
                    else "–"
                )
            if before is None or after is None:
                continue
            rows.append(
                [
                    label,
                    mode,
                    f"{before.rps:,.0f} → {after.rps:,.0f}",
                    _ratio(after.rps, before.rps),
                    shares,
                    f"{before.p50_ms:.1f} → {after.p50_ms:.1f}",
                    _ratio(after.p50_ms, before.p50_ms),
                    f"{before.p99_ms:.1f} → {after.p99_ms:.1f}",
                    _ratio(after.p99_ms, before.p99_ms),
                ]
            )
    return lines + _table(header, rows)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _targets(report: Report) -> list[list[str]]:
    first = report.phases[0]
    rows = []
    cached = {label: first.figures["cached"][label] for label in CACHEABLE if label in first.figures["cached"]}
    if cached:
        ceilings = first.ceilings["cached"]
        shares = {label: 100 * figures.rps / ceilings[label].rps for label, figures in cached.items()}
        worst = min(shares, key=shares.get)
        rows.append(
            [
                f"Cached pages ≥ {CACHED_SHARE_TARGET:.0f}% of the healthz ceiling",
                f"lowest {shares[worst]:.0f}% ({worst}); " + ", ".join(f"{k} {v:.0f}%" for k, v in shares.items()),
                _verdict(all(share >= CACHED_SHARE_TARGET for share in shares.values())),
            ]
        )
        p99 = {label: figures.p99_ms for label, figures in cached.items()}
        worst = max(p99, key=p99.get)
        rows.append(
            [
                f"Cached pages p99 < {CACHED_P99_TARGET_MS:.0f} ms",
                f"highest {p99[worst]:.1f} ms ({worst})",
                _verdict(all(value < CACHED_P99_TARGET_MS for value in p99.values())),
            ]
        )
    rows.append(
        [
            "Never stale after a publish",
            "fresh"
            if report.fresh_after_publish
            else ("stale" if report.fresh_after_publish is False else "not checked"),
            _verdict(report.fresh_after_publish),
        ]
    )
    uncached = {label: first.figures["uncached"].get(label) for label in UNCACHED_TARGET_PAGES}
    if all(uncached.values()):
        ceilings = first.ceilings["uncached"]
        shares = {label: 100 * figures.rps / ceilings[label].rps for label, figures in uncached.items()}
        rows.append(
            [
                f"Uncached home, therapy and article ≥ {UNCACHED_SHARE_TARGET:.0f}% of the ceiling",
                ", ".join(f"{label} {share:.1f}%" for label, share in shares.items()),
                _verdict(all(share >= UNCACHED_SHARE_TARGET for share in shares.values())),
            ]
        )
    if len(report.phases) > 1:
        second = report.phases[1]
        is_postgres = "PostgreSQL" in report.settings.get("Database", "")
        for mode, how in (("cached", "a question asked before (answer kept)"), ("uncached", "answered afresh")):
            single = second.search_single.get(mode)
            if not single:
                continue
            loaded = second.figures[mode].get("Search")
            measured = f"{single.p95_ms:.1f} ms for one client at a time"
            if loaded:
                measured += f"; {loaded.p95_ms:.1f} ms under {CONNECTIONS} connections"
            if not is_postgres:
                measured += " (SQLite, not PostgreSQL)"
            rows.append(
                [
                    f"Search p95 < {SEARCH_P95_TARGET_MS:.0f} ms with {report.synthetic_pages:,} pages on PostgreSQL, "
                    + how,
                    measured,
                    _verdict(single.p95_ms < SEARCH_P95_TARGET_MS if is_postgres else None),
                ]
            )
        raw, steady = {}, {}
        for label in KEY_PAGES:
            before, after = first.figures["uncached"].get(label), second.figures["uncached"].get(label)
            ceilings = first.ceilings["uncached"].get(label), second.ceilings["uncached"].get(label)
            if before and after and all(ceilings):
                raw[label] = after.p50_ms / before.p50_ms
                # Under a fixed number of connections latency is the inverse of throughput; the
                # ceiling measured beside each page takes out the machine's changing background load.
                steady[label] = (before.rps / ceilings[0].rps) / (after.rps / ceilings[1].rps)
        if steady:
            worst = max(steady, key=steady.get)
            rows.append(
                [
                    f"Uncached latency grows ≤ {GROWTH_TARGET}× from {first.page_count} to {second.page_count:,} pages "
                    "(against the healthz ceiling beside it)",
                    f"highest {steady[worst]:.2f}× ({worst}); "
                    + ", ".join(f"{label} {steady[label]:.2f}× (raw p50 {raw[label]:.2f}×)" for label in steady),
                    _verdict(all(ratio <= GROWTH_TARGET for ratio in steady.values())),
                ]
            )
    if report.weight:
        weight = report.weight
        measured = f"{weight.total_bytes / 1024:.1f} KB (HTML {weight.html_encoding})"
        if weight.html_encoding != "gzip":
            measured += f"; {weight.total_if_html_gzipped / 1024:.1f} KB if a proxy gzips the HTML"
        rows.append(
            [
                "Article HTML + CSS + JS, compressed, < 60 KB",
                measured,
                _verdict(weight.total_bytes < WEIGHT_TARGET_BYTES),
            ]
        )
        blocking = ", ".join(weight.blocking_scripts) or "none"
        rows.append(
            [
                "No render-blocking script (and no inline script) in the article",
                f"blocking: {blocking}; inline scripts: {weight.inline_scripts}",
                _verdict(not weight.blocking_scripts and not weight.inline_scripts),
            ]
        )
    return rows


def print_summary(report: Report) -> None:
    """Each page's figures as shares of the two ceilings, and the change with synthetic pages."""
    first = report.phases[0]
    print("\nShare of the ceilings (req/s ÷ ceiling req/s):", flush=True)
    for mode in MODES:
        for label, figures in first.figures[mode].items():
            print(
                f"  {mode:8} {label:13} {figures.rps:8,.0f} req/s  "
                f"{_share(figures.rps, first.ceilings[mode].get(label)):>5} of healthz  "
                f"{_share(figures.rps, report.nginx):>5} of nginx"
            )
    if len(report.phases) > 1:
        second = report.phases[1]
        print(f"\nChange with {report.synthetic_pages:,} synthetic pages (after ÷ before):")
        for mode in MODES:
            for label in KEY_PAGES:
                before, after = first.figures[mode].get(label), second.figures[mode].get(label)
                if before and after:
                    print(
                        f"  {mode:8} {label:13} req/s {_ratio(after.rps, before.rps):>6}  "
                        f"p50 {_ratio(after.p50_ms, before.p50_ms):>6}  p99 {_ratio(after.p99_ms, before.p99_ms):>6}"
                    )
    print("\nTargets:")
    for target, measured, met in _targets(report):
        print(f"  [{met.strip('*')}] {target}: {measured}")


# -- entry point ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="Measured rounds per page (the median is kept).")
    parser.add_argument("--seconds", type=int, default=10, help="Length of each round.")
    parser.add_argument("--warmup", type=int, default=3, help="Warm-up seconds before the rounds.")
    parser.add_argument("--synthetic", type=int, default=5000, help="Synthetic pages for the scale phase (0 skips it).")
    parser.add_argument("--time-limit", type=int, default=3600, help="Give up (and clean up) after this many seconds.")
    parser.add_argument("--output", type=Path, default=RESULTS, help="Where to write the Markdown report.")
    args = parser.parse_args(argv)
    if not (1 <= args.rounds <= 15 and 1 <= args.seconds <= 120 and 0 <= args.warmup <= 60):
        parser.error("rounds 1-15, seconds 1-120 and warm-up 0-60 keep the run bounded")
    return args


def _stop(signum, frame):
    raise BenchTimeout("time limit reached") if signum == signal.SIGALRM else SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_tools()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(args.time_limit)
    run = BenchRun(args)
    try:
        run.prepare()
        run.report.phases.append(run.phase("real", [label for label, _ in PAGES], checks=True))
        run.report.load_end = os.getloadavg()
        run.note_code_changes()
        args.output.write_text(render(run.report))
        if args.synthetic:
            run.generate(args.synthetic)
            run.report.phases.append(run.phase("synthetic", KEY_PAGES, checks=False))
        run.report.load_end = os.getloadavg()
        run.note_code_changes()
        args.output.write_text(render(run.report))
        print_summary(run.report)
        say(f"Wrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
        return 0
    except BenchTimeout:
        say(f"Stopped: the run passed its time limit of {args.time_limit} s.")
        return 1
    finally:
        signal.alarm(0)
        run.cleanup()


if __name__ == "__main__":
    sys.exit(main())
