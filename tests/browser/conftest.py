"""Browser fixtures: the real site served by `runserver` in its own process, and one Chromium.

The server gets its own SQLite database in a temporary folder, migrated and filled by
`load_content`, so the browser sees exactly what a clinic gets from `make run` and the pytest
database (SQLite or PostgreSQL) is never touched.

Chromium is Debian's (/usr/bin/chromium); a browser is never downloaded. Where Chromium or
axe-core is missing the browser tests are skipped, unless PORTAL_REQUIRE_BROWSER=1 (set in CI),
where they fail instead.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tooling.processes import free_port, stop_process

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MANAGE_PY = BASE_DIR / "manage.py"
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 30  # seconds
COMMAND_TIMEOUT = 300  # seconds, for migrate and load_content

# Every page a patient can land on, plus the 404 page. Shared by the browser test modules.
PAGE_URLS = [
    "/en/",
    "/en/types/",
    "/en/types/checkpoint-inhibitors/",
    "/en/where-it-is-used/cancer/",
    "/en/where-it-is-used/cancer/blood-cancers/",
    "/en/what-is-immunotherapy/",
    "/en/get-help-now/",
    "/en/alert-card/",
    "/en/alert-card/for-clinicians/",
    "/en/faqs/",
    "/en/glossary/",
    "/en/references/",
    "/en/privacy/",
    "/en/accessibility/",
    "/en/no-such-page/",
]
NOT_FOUND_URL = "/en/no-such-page/"
NOT_FOUND_URLS = {NOT_FOUND_URL, "/es/no-existe/"}
CONTENT_PAGE_URLS = [url for url in PAGE_URLS if url != NOT_FOUND_URL]
# The Spanish pages and tools, held to the same checks (test_spanish_pages.py checks their furniture).
SPANISH_PAGE_URLS = [
    "/es/",
    "/es/que-es-la-inmunoterapia/",
    "/es/como-funciona/",
    "/es/tipos/",
    "/es/tipos/inhibidores-de-puntos-de-control/",
    "/es/tipos/terapia-de-celulas-car-t/",
    "/es/efectos-secundarios-y-controles/",
    "/es/pida-ayuda-ahora/",
    "/es/despues-del-tratamiento/",
    "/es/tarjeta-de-alerta/",
    "/es/tarjeta-de-alerta/para-medicos/",
    "/es/preguntas-frecuentes/",
    "/es/glosario/",
]
SPANISH_TOOL_URLS = [
    "/es/search/?q=fiebre",
    "/es/a-z/",
    "/es/no-existe/",  # the page not found, in Spanish
    "/es/handout/tipos/inhibidores-de-puntos-de-control/",
    "/es/embed/tipos/citocinas/",
    "/infobutton/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C43"
    "&informationRecipient.languageCode.c=es",
]
# Pages that are not content pages but that patients and hospital systems open: checked for
# accessibility, self-containment and reflow, not for the content-page furniture.
TOOL_PAGE_URLS = [
    "/en/search/?q=keytruda",
    "/en/search/?q=zzqxv",
    "/en/a-z/",
    "/en/handout/types/checkpoint-inhibitors/",
    "/en/embed/types/cytokines/",
    "/infobutton/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C43",
]


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core not found at {AXE_JS.relative_to(BASE_DIR)} (run `npm ci`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    if not missing:
        return None
    return "Browser tests need: " + "; ".join(missing) + "."


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    """Skip (or, with PORTAL_REQUIRE_BROWSER=1, fail) when Chromium or axe-core is missing."""
    reason = missing_requirements()
    if reason is None:
        return
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} PORTAL_REQUIRE_BROWSER=1 is set, so this is an error.", pytrace=False)
    pytest.skip(reason)


def _log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run_manage(args: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a") as log:
        log.write(f"$ manage.py {' '.join(args)}\n")
        log.flush()
        result = subprocess.run(
            [sys.executable, str(MANAGE_PY), *args],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed (exit {result.returncode}):\n{_log_tail(log_path)}")


def _wait_until_answering(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # Any HTTP answer means the server is up.
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        try:
            # Doubles as the pause between attempts and the check that the server is still alive.
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"runserver exited early (exit {process.returncode}):\n{_log_tail(log_path)}")
    pytest.fail(f"runserver did not answer within {SERVER_START_TIMEOUT}s:\n{_log_tail(log_path)}")


@pytest.fixture(scope="session")
def allowed_host_origin() -> str:
    """An origin (a free local port) that the portal allows to frame its embed pages."""
    return f"http://127.0.0.1:{free_port()}"


@contextlib.contextmanager
def served_portal(extra_env: dict[str, str], *, port: int | None = None, load_content: bool = True):
    """Base URL (no trailing slash) of the real site served by runserver in its own process, on a
    fresh SQLite database, with `extra_env` added to its environment; stopped on leaving."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    tmp_dir = Path(tempfile.mkdtemp(prefix=f"portal-browser-{worker + '-' if worker else ''}"))
    log_path = tmp_dir / "server.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        # Always SQLite: the PostgreSQL CI pass sets DATABASE_URL for pytest's own database.
        "DATABASE_URL": f"sqlite:///{tmp_dir / 'browser.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    process = None
    try:
        _run_manage(["migrate", "--no-input"], env, log_path)
        if load_content:
            _run_manage(["load_content"], env, log_path)
        port = port or free_port()
        base_url = f"http://127.0.0.1:{port}"
        with log_path.open("a") as log:
            process = subprocess.Popen(
                [sys.executable, str(MANAGE_PY), "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_answering(process, base_url, log_path)
        yield base_url
    finally:
        stop_process(process, timeout=10)
        shutil.rmtree(tmp_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def portal_server(browser_requirements, allowed_host_origin):
    """Base URL (no trailing slash) of the real site, served in a separate process."""
    with served_portal({"EMBED_ALLOWED_ORIGINS": allowed_host_origin}) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser(browser_requirements):
    """One headless Debian Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a fresh page (own context, so no shared cookies or history) at a given viewport."""
    contexts = []

    def _open(width: int = 1280, height: int = 800, **context_options):
        context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
