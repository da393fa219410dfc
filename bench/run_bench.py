"""`make bench`: the production server shape under load, with the real content and then with
5,000 synthetic pages, against a bare Django project measured in the same run. Writes bench/results.md.

Steps: a database of its own (PostgreSQL beside DATABASE_URL's, else a temp SQLite file) with the
real content; a bare Django project (bench/bare_project: no apps, no middleware, one view) under
the same gunicorn settings, the ceiling; the portal under gunicorn (2 sync workers, production
settings) in two topologies, with Redis and without it (each worker's own memory), each with the
page cache on and off; wrk (-t1 -c16) against each page after a warm-up, each round of a page
right after a round of the bare project, so both see the same background load; the app server's
CPU time per request; nginx serving a saved copy of the article; page weight; a publish from
another process to prove the cache is not stale in either topology; optionally the uncached pages
of an earlier commit (--baseline) on a database of its own; then the key pages again with 5,000
synthetic pages. Every child process, temp folder, worktree, cache key and bench database are
removed at the end, whatever happens.
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
# Whole responses the page cache keeps; a search is answered from kept fragments.
CACHEABLE = [label for label, _ in PAGES if label != "Search"]
MODES = ("cached", "uncached")
REDIS, LOCAL = "with Redis", "without Redis"

# Targets from the issues (caching: #16; search and growth: #8; weight: the first wave).
CACHED_SHARE_TARGET = 75.0
CACHED_P99_TARGET = 1.5  # × the bare project's own p99, in the same run
SLOWER_TOLERANCE = 1.05  # uncached CPU per request against the baseline: within measurement noise
SEARCH_P95_TARGET_MS = 50.0
GROWTH_TARGET = 1.5
WEIGHT_TARGET_BYTES = 60 * 1024

# A publish through Wagtail's own calls, run in a separate process as an editor's would be (let
# through without clinical sign-off, and recorded so, as the content loader's are).
PUBLISH_SNIPPET = """
from wagtail.models import Site
from review.models import UnreviewedPublish
from review.sign_off import publishing_without_sign_off
root = Site.objects.get(is_default_site=True).root_page
page = root.get_descendants().get(url_path=root.url_path + {path!r}.lstrip("/")).specific
page.title = {new_title}
with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Benchmark freshness check"):
    page.save_revision().publish()
print(page.title)
"""
FRESHNESS_MARK = " (bench check)"
FRESHNESS_READS = 6  # each on a new connection, so both workers answer some

# Environment that must not leak from the caller's shell into the benchmark's processes.
CLEARED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "PAGE_CACHE",
    "CACHING",
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
class Measured:
    """A page's median round, and the bare project's rounds run beside it."""

    page: Figures
    bare: Figures

    @property
    def share(self) -> float:
        return 100 * self.page.rps / self.bare.rps if self.bare.rps else 0.0

    @property
    def p99_ratio(self) -> float:
        return self.page.p99_ms / self.bare.p99_ms if self.bare.p99_ms else 0.0


@dataclass
class Phase:
    """Figures from one database state: per (topology, mode), per page label."""

    name: str
    page_count: int = 0
    figures: dict[tuple[str, str], dict[str, Measured]] = field(default_factory=dict)
    bare_rounds: list[Figures] = field(default_factory=list)
    # One client at a time: with the page cache on a repeated question's answer is kept; off, it is ranked afresh.
    search_single: dict[tuple[str, str], Figures] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    cache_status: dict[str, dict[str, str]] = field(default_factory=dict)

    def bare(self) -> Figures | None:
        return median_round(self.bare_rounds) if self.bare_rounds else None


@dataclass
class Report:
    started: datetime
    settings: dict[str, str] = field(default_factory=dict)
    phases: list[Phase] = field(default_factory=list)
    topologies: list[str] = field(default_factory=list)
    nginx: Figures | None = None
    nginx_note: str = ""
    weight: PageWeight | None = None
    freshness: dict[str, tuple[bool, str]] = field(default_factory=dict)
    baseline_ref: str = ""
    baseline: dict[str, Measured] = field(default_factory=dict)
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
        return subprocess.run(command, env=env, capture_output=True, timeout=600).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _git(*arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def current_commit() -> str:
    try:
        return _git("rev-parse", "--short", "HEAD")
    except RuntimeError:
        return "unknown"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Portal:
    """A portal to measure: this working tree, or a checkout of an earlier commit."""

    directory: Path
    database: database.BenchDatabase
    static_root: Path


class BenchRun:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.temp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.use_redis = redis_reachable()
        self.cache_prefix = f"bench-{os.getpid()}"
        self.children: list[servers.Child] = []
        self.created_databases: list[database.BenchDatabase] = []
        self.worktrees: list[Path] = []
        self.wrk = Wrk(self.temp)
        self.report = Report(started=datetime.now(UTC), load_start=os.getloadavg())
        self.report.topologies = [REDIS, LOCAL] if self.use_redis else [LOCAL]
        self.portal = Portal(REPO, database.plan(os.environ.get("DATABASE_URL", ""), self.temp), self.temp / "static")
        self.bare: servers.Child | None = None
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

    def env(self, portal: Portal, label: str, topology: str = REDIS, page_cache: bool | None = None) -> dict:
        env = {name: value for name, value in os.environ.items() if name not in CLEARED_ENV}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_STATIC_ROOT=str(portal.static_root),
            MEDIA_ROOT=str(self.temp / "media"),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            RATE_LIMITS_ENABLED="false",
            DATABASE_URL=portal.database.url,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            CACHE_KEY_PREFIX=f"{self.cache_prefix}-{label}",
        )
        if topology == REDIS and self.use_redis:
            env["REDIS_URL"] = REDIS_URL
        if page_cache is not None:
            env["PAGE_CACHE"] = "true" if page_cache else "false"
        return env

    def manage(self, portal: Portal, *arguments: str, env: dict | None = None, label: str = "", timeout=900) -> str:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=portal.directory,
            env=env or self.env(portal, "prepare"),
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

    def prepare(self, portal: Portal) -> None:
        say(f"Preparing the bench database {portal.database.name} for {portal.directory}")
        database.create(portal.database)
        self.created_databases.append(portal.database)
        for command in (("migrate", "--no-input"), ("load_content",), ("configure_site",)):
            self.manage(portal, *command)
        self.manage(portal, "collectstatic", "--no-input", "-v0")

    def start_bare(self) -> None:
        self.bare = servers.start_bare_project(self.temp / "bare.log")
        self.children.append(self.bare)
        say(f"Bare Django project on {self.bare.base_url}")

    def record_settings(self) -> None:
        redis_version = ""
        if self.use_redis:
            import redis

            redis_version = redis.Redis.from_url(REDIS_URL).info("server").get("redis_version", "")
        nginx = _nginx_or_which("nginx")
        nginx_version = ""
        if nginx:
            output = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10)
            nginx_version = (output.stderr or output.stdout).strip().split("/")[-1]
        self.commit = current_commit()
        self.report.settings = {
            "Date": self.report.started.strftime("%Y-%m-%d %H:%M UTC"),
            "Commit": f"{self.commit} (plus any uncommitted changes in the working tree)",
            "CPU cores (nproc)": str(os.cpu_count()),
            "Python": platform.python_version(),
            "Django / Wagtail": f"{metadata.version('django')} / {metadata.version('wagtail')}",
            "Database": database.describe(self.portal.database),
            "Cache": (
                f"{REDIS}: Redis {redis_version} on 127.0.0.1:6379, key prefix {self.cache_prefix}-*; "
                f"{LOCAL}: each worker's own memory (the local-memory default)"
                if self.use_redis
                else f"{LOCAL} only (Redis not reachable on 127.0.0.1:6379)"
            ),
            "Servers": f"gunicorn {metadata.version('gunicorn')}, {servers.WORKERS} sync workers, the portal's "
            "gunicorn.conf.py, for the portal (portal.settings.production through bench.settings) and for "
            "the bare project (bench/bare_project: no apps, no middleware, one view)",
            "Load": f"{wrk_version()}, {THREADS} thread, {CONNECTIONS} connections, {self.args.warmup} s "
            f"warm-up, median of {self.args.rounds} round(s) of {self.args.seconds} s, each after a round of "
            f"the bare project; headers {'; '.join(f'{name}: {value}' for name, value in HEADERS.items())}",
            "CPU per request": "user + system CPU time of the app server's gunicorn master and workers "
            "during the round, ÷ requests (the database, Redis and wrk are not counted)",
            "nginx": nginx_version or "not installed",
        }

    def phase(self, name: str, labels: list[str], topologies: list[str], checks: bool) -> Phase:
        phase = Phase(name)
        paths = dict(PAGES)
        for topology in topologies:
            for mode in MODES:
                label = f"{name}-{'redis' if topology == REDIS else 'local'}-{mode}"
                env = self.env(self.portal, label, topology, page_cache=mode == "cached")
                server = self._start(env, label)
                try:
                    say(f"[{name}, {topology}, {mode}] gunicorn on {server.base_url}")
                    self._verify(server, phase, [(page, paths[page]) for page in labels], topology, mode)
                    measured = phase.figures.setdefault((topology, mode), {})
                    for page in labels:
                        measured[page] = self._measure(server, paths[page], f"[{name}, {topology}, {mode}] {page}")
                        phase.bare_rounds.append(measured[page].bare)
                    if "Search" in labels:
                        single, _ = self.wrk.measure(
                            server.base_url + paths["Search"], 1, self.args.seconds, 1, connections=1
                        )
                        phase.search_single[(topology, mode)] = single
                        say(f"[{name}, {topology}, {mode}] search, one client: p95 {single.p95_ms:.1f} ms")
                    if checks and mode == "cached":
                        if topology == topologies[0]:
                            self._page_checks(server)
                        self._freshness(server, env, topology)
                finally:
                    self._stop(server)
        if checks:
            self._nginx_ceiling()
        return phase

    def baseline(self, ref: str) -> None:
        """The uncached pages of an earlier commit, in the same run, on a database of its own."""
        commit = _git("rev-parse", "--short", ref)
        tree = self.temp / f"baseline-{commit}"
        _git("worktree", "add", "--detach", str(tree), commit)
        self.worktrees.append(tree)
        planned = database.plan(os.environ.get("DATABASE_URL", ""), self.temp, purpose="baseline")
        portal = Portal(tree, planned, self.temp / "baseline-static")
        self.prepare(portal)
        self.report.baseline_ref = f"{ref} ({commit})"
        env = self.env(portal, "baseline", REDIS if self.use_redis else LOCAL, page_cache=False)
        server = self._start(env, "baseline", portal.directory)
        try:
            for label, path in PAGES:
                self.report.baseline[label] = self._measure(server, path, f"[baseline {commit}, uncached] {label}")
        finally:
            self._stop(server)

    def _start(self, env: dict, label: str, directory: Path = REPO) -> servers.Child:
        server = servers.start_gunicorn(env, self.temp / f"gunicorn-{label}.log", directory)
        self.children.append(server)
        return server

    def _stop(self, server: servers.Child) -> None:
        server.stop()
        self.children.remove(server)

    def _verify(self, server: servers.Child, phase: Phase, pages, topology: str, mode: str) -> None:
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
                phase.cache_status.setdefault(topology, {})[label] = response.headers.get("X-Cache", "-")

    def _measure(self, server: servers.Child, path: str, label: str) -> Measured:
        page, bare_rounds = self.wrk.measure(
            server.base_url + path,
            self.args.rounds,
            self.args.seconds,
            self.args.warmup,
            ceiling_url=self.bare.base_url + "/",
            cpu_seconds=server.cpu_seconds,
            ceiling_cpu_seconds=self.bare.cpu_seconds,
        )
        for child in (server, self.bare):
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} stopped during {label}:\n{child.log_tail()}")
        self.report.load_samples.append(os.getloadavg()[0])
        measured = Measured(page, median_round(bare_rounds))
        note = f", {page.failures} failed" if page.failures else ""
        say(
            f"{label}: {page.rps:,.0f} req/s ({measured.share:.0f}% of bare {measured.bare.rps:,.0f}), "
            f"p99 {page.p99_ms:.1f} ms ({measured.p99_ratio:.2f}× bare), {page.cpu_ms:.2f} CPU ms/req{note}"
        )
        return measured

    def _page_checks(self, server: servers.Child) -> None:
        article = fetch(server.base_url + ARTICLE)
        keep = ("Content-Type", "Content-Encoding", "Vary")
        self.article_copy = (article.body, {name: article.headers[name] for name in keep if name in article.headers})
        self.report.weight = page_weight(server.base_url, ARTICLE)
        say(f"Article weight: {self.report.weight.total_bytes / 1024:.1f} KB as transferred")

    def _freshness(self, server: servers.Child, env: dict, topology: str) -> None:
        """Publish a new title from another process (the same database and cache settings as the
        server, as a shell, a cron job or another instance would); every next read must show it."""
        url = server.base_url + ARTICLE
        kept = {fetch(url).headers.get("X-Cache") for _ in range(FRESHNESS_READS)}
        for new_title, expect in (
            (f"page.title + {FRESHNESS_MARK!r}", True),
            (f"page.title.removesuffix({FRESHNESS_MARK!r})", False),
        ):
            self.manage(self.portal, "shell", "-c", PUBLISH_SNIPPET.format(path=ARTICLE, new_title=new_title), env=env)
            reads = [fetch(url) for _ in range(FRESHNESS_READS)]
            fresh = [(FRESHNESS_MARK in read.text) == expect for read in reads]
            statuses = ", ".join(read.headers.get("X-Cache", "none") for read in reads)
            if not all(fresh):
                self.report.freshness[topology] = (False, f"stale in {fresh.count(False)} of {len(fresh)} reads")
                return
        self.report.freshness[topology] = (
            "hit" in kept,
            f"kept before ({', '.join(sorted(filter(None, kept)))}); after each of two publishes from another "
            f"process, {FRESHNESS_READS} of {FRESHNESS_READS} reads showed it (X-Cache of the last: {statuses})",
        )
        say(f"[{topology}] fresh after publish: {self.report.freshness[topology]}")

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
            self.report.nginx, _ = self.wrk.measure(child.base_url + "/", 1, self.args.seconds, self.args.warmup)
            say(f"[nginx] saved article: {self.report.nginx.rps:,.0f} req/s")
        finally:
            self._stop(child)

    def generate(self, pages: int) -> None:
        say(f"Generating {pages:,} synthetic pages")
        started = time.monotonic()
        env = self.env(self.portal, "generate")
        self.manage(self.portal, "generate_synthetic_content", "--pages", str(pages), timeout=3600, env=env)
        self.report.generate_seconds = time.monotonic() - started
        self.report.synthetic_pages = pages

    # -- clean-up --------------------------------------------------------------------------

    def cleanup(self) -> None:
        for child in list(self.children):
            try:
                child.stop()
            except Exception as error:  # keep cleaning up whatever else is left
                say(f"Could not stop {child.name}: {error}")
        for created in self.created_databases:
            try:
                database.drop(created)
            except Exception as error:
                say(f"Could not drop the bench database {created.name}: {error}")
        for tree in self.worktrees:
            try:
                _git("worktree", "remove", "--force", str(tree))
            except RuntimeError as error:
                say(f"Could not remove the worktree {tree}: {error}")
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


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}×" if before else "–"


def _cpu(figures: Figures | None) -> str:
    return "–" if figures is None or figures.cpu_ms is None else f"{figures.cpu_ms:.2f}"


def _cells(measured: Measured | None) -> list[str]:
    if measured is None:
        return ["–"] * 5
    page = measured.page
    failed = f" ({page.failures} failed)" if page.failures else ""
    return [
        f"{page.rps:,.0f}{failed}",
        f"{measured.share:.0f}%",
        f"{page.p99_ms:.1f}",
        f"{measured.p99_ratio:.2f}×",
        _cpu(page),
    ]


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
    bare = first.bare()
    rounds = first.bare_rounds
    spread = f"{min(r.rps for r in rounds):,.0f} – {max(r.rps for r in rounds):,.0f}" if rounds else "–"
    rows = [["Bare Django project, one view (the ceiling)", *_figures_cells(bare), _cpu(bare), spread]]
    rows.append(["nginx serving a saved copy of the article", *_figures_cells(report.nginx), "–", ""])
    lines += _table(["Ceiling", "req/s (median)", "p50 ms", "p99 ms", "CPU ms/req", "req/s, every round"], rows)
    if report.nginx_note:
        lines += ["", f"nginx: {report.nginx_note}."]
    lines += [
        "",
        f"## Pages, real content ({first.page_count} pages)",
        "",
        "% bare = the page's requests per second ÷ the bare project's, in the round just before it;",
        "p99 × bare = the page's p99 ÷ the bare project's p99 in that round. CPU ms is the app server's.",
        "",
    ]
    for mode in MODES:
        header = ["Page", "KB sent"]
        if mode == "cached":
            header += [f"X-Cache ({topology})" for topology in report.topologies]
        for topology in report.topologies:
            header += [f"{topology}: req/s", "% bare", "p99 ms", "p99 × bare", "CPU ms"]
        if mode == "uncached" and report.baseline:
            header += [f"{report.baseline_ref}: req/s", "% bare", "p99 ms", "p99 × bare", "CPU ms"]
        rows = []
        for label, path in PAGES:
            if mode == "cached" and label not in CACHEABLE:
                continue
            row = [f"{label} `{path}`", f"{first.sizes.get(label, 0) / 1024:.1f}"]
            if mode == "cached":
                row += [first.cache_status.get(topology, {}).get(label, "-") for topology in report.topologies]
            for topology in report.topologies:
                row += _cells(first.figures.get((topology, mode), {}).get(label))
            if mode == "uncached" and report.baseline:
                row += _cells(report.baseline.get(label))
            rows.append(row)
        lines += ["", f"### Page cache {'on' if mode == 'cached' else 'off'} ({mode})", ""]
        lines += _table(header, rows)
    if len(report.phases) > 1:
        lines += _scale_section(report, first, report.phases[1])
    lines += ["", "## Targets", ""]
    lines += _table(["Target", "Measured", "Met"], _targets(report))
    if report.weight:
        lines += ["", "Article weight (bytes as transferred with `Accept-Encoding: gzip`):", ""]
        weight = report.weight
        weight_rows = [
            [f"HTML `{ARTICLE}`", f"{weight.html_bytes:,}", weight.html_encoding],
            *[[f"`{url}`", f"{size:,}", encoding] for url, size, encoding in weight.assets],
            ["Total", f"{weight.total_bytes:,}", ""],
        ]
        lines += _table(["Resource", "Bytes", "Encoding"], weight_rows)
    return "\n".join(lines) + "\n"


def _figures_cells(figures: Figures | None) -> list[str]:
    if figures is None:
        return ["–", "–", "–"]
    return [f"{figures.rps:,.0f}", f"{figures.p50_ms:.1f}", f"{figures.p99_ms:.1f}"]


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
        "The share of the bare project (measured beside each page) separates a change in the page from a",
        "change in the machine's background load between the two runs.",
        "",
    ]
    header = ["Page", "Topology, mode", "req/s before → after", "% bare before → after", "p50 ms before → after"]
    header += ["p50 ratio", "p99 ms before → after", "CPU ms before → after"]
    rows = []
    for (topology, mode), measured in second.figures.items():
        for label in KEY_PAGES:
            before, after = first.figures.get((topology, mode), {}).get(label), measured.get(label)
            if before is None or after is None:
                continue
            rows.append(
                [
                    label,
                    f"{topology}, {mode}",
                    f"{before.page.rps:,.0f} → {after.page.rps:,.0f}",
                    f"{before.share:.0f}% → {after.share:.0f}%",
                    f"{before.page.p50_ms:.1f} → {after.page.p50_ms:.1f}",
                    _ratio(after.page.p50_ms, before.page.p50_ms),
                    f"{before.page.p99_ms:.1f} → {after.page.p99_ms:.1f}",
                    f"{_cpu(before.page)} → {_cpu(after.page)}",
                ]
            )
    return lines + _table(header, rows)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _targets(report: Report) -> list[list[str]]:
    first = report.phases[0]
    rows = []
    for topology in report.topologies:
        cached = {
            label: measured
            for label, measured in first.figures.get((topology, "cached"), {}).items()
            if label in CACHEABLE
        }
        if not cached:
            continue
        worst = min(cached, key=lambda label: cached[label].share)
        rows.append(
            [
                f"Cached pages ≥ {CACHED_SHARE_TARGET:.0f}% of the bare project, {topology}",
                f"lowest {cached[worst].share:.0f}% ({worst}); "
                + ", ".join(f"{label} {measured.share:.0f}%" for label, measured in cached.items()),
                _verdict(all(measured.share >= CACHED_SHARE_TARGET for measured in cached.values())),
            ]
        )
        worst = max(cached, key=lambda label: cached[label].p99_ratio)
        rows.append(
            [
                f"Cached pages p99 ≤ {CACHED_P99_TARGET}× the bare project's p99, {topology}",
                f"highest {cached[worst].p99_ratio:.2f}× ({worst}: {cached[worst].page.p99_ms:.1f} ms against "
                f"{cached[worst].bare.p99_ms:.1f} ms)",
                _verdict(all(measured.p99_ratio <= CACHED_P99_TARGET for measured in cached.values())),
            ]
        )
        fresh = report.freshness.get(topology)
        rows.append(
            [
                f"Never stale after a publish from another process, {topology}",
                fresh[1] if fresh else "not checked",
                _verdict(fresh[0] if fresh else None),
            ]
        )
    if report.baseline:
        topology = report.topologies[0]
        uncached = first.figures.get((topology, "uncached"), {})
        compared = {label: (uncached[label], report.baseline[label]) for label in uncached if label in report.baseline}
        ratios = {label: now.page.cpu_ms / then.page.cpu_ms for label, (now, then) in compared.items()}
        rows.append(
            [
                f"Uncached pages no slower than {report.baseline_ref} (CPU per request, {topology}; "
                f"within {100 * (SLOWER_TOLERANCE - 1):.0f}% noise)",
                ", ".join(
                    f"{label} {then.page.cpu_ms:.2f} → {now.page.cpu_ms:.2f} ms ({ratios[label]:.2f}×; "
                    f"{then.share:.1f}% → {now.share:.1f}% of bare)"
                    for label, (now, then) in compared.items()
                ),
                _verdict(all(ratio <= SLOWER_TOLERANCE for ratio in ratios.values())),
            ]
        )
    if len(report.phases) > 1:
        rows += _scale_targets(report, first, report.phases[1])
    if report.weight:
        weight = report.weight
        rows.append(
            [
                "Article HTML + CSS + JS, compressed, < 60 KB",
                f"{weight.total_bytes / 1024:.1f} KB (HTML {weight.html_encoding})",
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


def _scale_targets(report: Report, first: Phase, second: Phase) -> list[list[str]]:
    rows = []
    is_postgres = "PostgreSQL" in report.settings.get("Database", "")
    topology = report.topologies[0]
    for mode, how in (("cached", "a question asked before (answer kept)"), ("uncached", "answered afresh")):
        single = second.search_single.get((topology, mode))
        if not single:
            continue
        loaded = second.figures.get((topology, mode), {}).get("Search")
        measured = f"{single.p95_ms:.1f} ms for one client at a time"
        if loaded:
            measured += f"; {loaded.page.p95_ms:.1f} ms under {CONNECTIONS} connections"
        if not is_postgres:
            measured += " (SQLite, not PostgreSQL)"
        rows.append(
            [
                f"Search p95 < {SEARCH_P95_TARGET_MS:.0f} ms with {report.synthetic_pages:,} pages on PostgreSQL, {how}",
                measured,
                _verdict(single.p95_ms < SEARCH_P95_TARGET_MS if is_postgres else None),
            ]
        )
    growth = {}
    for label in KEY_PAGES:
        before = first.figures.get((topology, "uncached"), {}).get(label)
        after = second.figures.get((topology, "uncached"), {}).get(label)
        if before and after and after.share:
            # Under a fixed number of connections latency is the inverse of throughput; the bare
            # project measured beside each page takes out the machine's changing background load.
            growth[label] = before.share / after.share
    if growth:
        worst = max(growth, key=growth.get)
        rows.append(
            [
                f"Uncached latency grows ≤ {GROWTH_TARGET}× from {first.page_count} to {second.page_count:,} pages "
                "(against the bare project beside it)",
                f"highest {growth[worst]:.2f}× ({worst}); " + ", ".join(f"{k} {v:.2f}×" for k, v in growth.items()),
                _verdict(all(ratio <= GROWTH_TARGET for ratio in growth.values())),
            ]
        )
    return rows


def print_summary(report: Report) -> None:
    print("\nTargets:", flush=True)
    for target, measured, met in _targets(report):
        print(f"  [{met.strip('*')}] {target}: {measured}")


# -- entry point ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="Measured rounds per page (the median is kept).")
    parser.add_argument("--seconds", type=int, default=15, help="Length of each round.")
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up seconds before the rounds.")
    parser.add_argument("--synthetic", type=int, default=5000, help="Synthetic pages for the scale phase (0 skips it).")
    parser.add_argument("--baseline", default="", help="Also measure this commit's uncached pages (a git ref).")
    parser.add_argument("--time-limit", type=int, default=5400, help="Give up (and clean up) after this many seconds.")
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
        run.prepare(run.portal)
        run.record_settings()
        run.start_bare()
        report = run.report
        report.phases.append(run.phase("real", [label for label, _ in PAGES], report.topologies, checks=True))
        if args.baseline:
            run.baseline(args.baseline)
        report.load_end = os.getloadavg()
        run.note_code_changes()
        args.output.write_text(render(report))
        if args.synthetic:
            run.generate(args.synthetic)
            report.phases.append(run.phase("synthetic", KEY_PAGES, report.topologies[:1], checks=False))
        report.load_end = os.getloadavg()
        run.note_code_changes()
        args.output.write_text(render(report))
        print_summary(report)
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
