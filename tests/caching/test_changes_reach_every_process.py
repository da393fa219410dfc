"""A change made in one process is what every other process serves on its very next request.

Real processes, no mocks: gunicorn with the production settings and 2 workers (each with its own
memory), no Redis, on SQLite and on PostgreSQL; the changes come from a process of their own (an
editor's shell, a cron job) and from `manage.py publish_scheduled`. Each page is read several times
before the change, so both workers keep it, and several times after, so both must let it go.
"""

import contextlib
import json
from collections.abc import Callable, Iterator

import pytest

from tests.caching.reads import HOST, PAGE, Check, answers, frames_allowed_for, lacks, shows, status_is
from tests.operations import scratch


@contextlib.contextmanager
def database(backend: str, tmp_path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    server = scratch.postgres_server_url()
    problem = scratch.postgres_reachable(server)
    if problem:
        scratch.unavailable(problem)
    with scratch.scratch_postgres_database(server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path) -> Iterator[tuple[scratch.AppServer, scratch.Editor, dict[str, str]]]:
    with database(request.param, tmp_path) as url:
        environment = scratch.app_environment(
            DATABASE_URL=url, MEDIA_ROOT=str(tmp_path / "media"), ALLOWED_HOSTS=f"127.0.0.1,localhost,{HOST}"
        )
        scratch.prepare_site(environment)
        server = scratch.AppServer(f"gunicorn on {request.param}", tmp_path / "server.log", environment, host=HOST)
        with scratch.running([server]), scratch.Editor(environment) as editor:
            yield server, editor, environment
        assert not server.tracebacks(), server.tracebacks()


# Views that do not keep whole responses (they are rendered from kept fragments).
NOT_KEPT = ("/en/search/", "/api/v2/pages/find/")


def before_and_after(server, editor_change: Callable[[], None], checks: list[tuple[str, Check, Check]]) -> None:
    """Each (path, check before, check after): read until kept, change, then read again at once."""
    for path, before, _ in checks:
        seen = answers(server, path, before, "before the change")
        assert path.startswith(NOT_KEPT) or "hit" in seen, f"{path} was never served from a kept copy: {seen}"
    editor_change()
    for path, _, after in checks:
        answers(server, path, after, "after the change")


def page_id(server: scratch.AppServer, slug: str) -> int:
    status, _, body = server.get(f"/api/v2/pages/?slug={slug}")
    assert status == 200, f"the API could not list {slug}: {status}"
    return json.loads(body)["items"][0]["id"]


def edit(editor: scratch.Editor, code: str) -> Callable[[], None]:
    return lambda: editor.run(code)


def test_changes_made_by_another_process_are_served_on_the_next_request(site):
    server, editor, environment = site

    # A publish: the page and its hub's listing.
    before_and_after(
        server,
        edit(
            editor,
            PAGE.format(path="/en/types/cytokines/") + "page.title = 'Cytokines, from the shell'\n"
            "page.save_revision().publish()",
        ),
        [
            ("/en/types/cytokines/", lacks("Cytokines, from the shell"), shows("Cytokines, from the shell")),
            ("/en/types/", lacks("Cytokines, from the shell"), shows("Cytokines, from the shell")),
            # Its Spanish translation now says a newer English version exists.
            ("/es/tipos/citocinas/", lacks("translation-notice--stale"), shows("translation-notice--stale")),
        ],
    )

    # An unpublish: the page, and every menu that linked it.
    before_and_after(
        server,
        edit(editor, PAGE.format(path="/en/after-treatment/") + "page.unpublish()"),
        [
            ("/en/after-treatment/", status_is(200), status_is(404)),
            ("/en/", shows('href="/en/after-treatment/"'), lacks('href="/en/after-treatment/"')),
            # The Spanish page's switcher, alternates and notice no longer lead to it.
            ("/es/despues-del-tratamiento/", shows('href="/en/after-treatment/"'), lacks("/en/after-treatment/")),
        ],
    )

    # A login restriction: the page and every channel that could show it.
    checkpoint = page_id(server, "checkpoint-inhibitors")
    before_and_after(
        server,
        edit(
            editor,
            PAGE.format(path="/en/types/checkpoint-inhibitors/") + "from wagtail.models import PageViewRestriction\n"
            "PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)",
        ),
        [
            ("/en/types/checkpoint-inhibitors/", status_is(200), status_is(302)),
            ("/en/embed/types/checkpoint-inhibitors/", status_is(200), status_is(404)),
            (f"/api/v2/pages/{checkpoint}/", status_is(200), status_is(404)),
            ("/api/v2/pages/find/?html_path=/types/checkpoint-inhibitors/", status_is(302), status_is(404)),
            (
                "/en/search/?q=checkpoint",
                shows("/en/types/checkpoint-inhibitors/"),
                lacks("/en/types/checkpoint-inhibitors/"),
            ),
            ("/en/types/", shows("/en/types/checkpoint-inhibitors/"), lacks("/en/types/checkpoint-inhibitors/")),
        ],
    )

    # A password restriction shows its form, never the page.
    before_and_after(
        server,
        edit(
            editor,
            PAGE.format(path="/en/types/monoclonal-antibodies/") + "from wagtail.models import PageViewRestriction\n"
            "PageViewRestriction.objects.create(page=page, restriction_type='password', password='ward-4-only')",
        ),
        [("/en/types/monoclonal-antibodies/", lacks('type="password"'), shows('type="password"'))],
    )

    # A restriction to groups.
    before_and_after(
        server,
        edit(
            editor,
            PAGE.format(path="/en/types/cancer-vaccines/") + "from django.contrib.auth.models import Group\n"
            "from wagtail.models import PageViewRestriction\n"
            "restriction = PageViewRestriction.objects.create(page=page, restriction_type='groups')\n"
            "restriction.groups.add(Group.objects.get_or_create(name='Ward staff')[0])",
        ),
        [("/en/types/cancer-vaccines/", status_is(200), status_is(302))],
    )

    # The care team's phone number in the site settings, on every page.
    before_and_after(
        server,
        edit(
            editor,
            "from education.models import PortalSettings\n"
            "PortalSettings.objects.update(care_team_phone='0191 555 0123')",
        ),
        [
            ("/en/types/cytokines/", lacks("0191 555 0123"), shows("0191 555 0123")),
            ("/en/glossary/", lacks("0191 555 0123"), shows("0191 555 0123")),
        ],
    )

    # An intranet allowed to frame the embeds.
    before_and_after(
        server,
        edit(
            editor,
            "from integrations.models import EmbedSettings\n"
            "settings = EmbedSettings.load()\n"
            "settings.allowed_origins = 'https://intranet.example.org'\n"
            "settings.save()",
        ),
        [
            (
                "/en/embed/types/cytokines/",
                lacks("https://intranet.example.org"),
                frames_allowed_for("intranet.example.org"),
            )
        ],
    )

    # A glossary term, on the glossary page and where pages use it.
    before_and_after(
        server,
        edit(
            editor,
            "from education.models import GlossaryTerm\n"
            "GlossaryTerm.objects.filter(slug='cytokine').update(definition='A messenger, edited by a cron job.')",
        ),
        [
            ("/en/glossary/", lacks("edited by a cron job"), shows("edited by a cron job")),
            ("/en/types/cytokines/", lacks("edited by a cron job"), shows("edited by a cron job")),
        ],
    )

    # Scheduled publishing and expiry, which only `manage.py publish_scheduled` carries out.
    editor.run(
        "import datetime\nfrom django.utils import timezone\n"
        + PAGE.format(path="/en/research-and-future/")
        + "Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))\n"
        + PAGE.format(path="/en/benefits-and-limits/")
        + "page.title = 'Benefits and limits, on schedule'\n"
        "revision = page.save_revision()\n"
        "revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)\n"
        "revision.save()"
    )

    def run_publish_scheduled():
        result = scratch.manage(["publish_scheduled"], environment)
        assert result.returncode == 0, result.stderr[-2000:]

    before_and_after(
        server,
        run_publish_scheduled,
        [
            ("/en/research-and-future/", status_is(200), status_is(404)),
            ("/en/benefits-and-limits/", lacks("on schedule"), shows("Benefits and limits, on schedule")),
        ],
    )
