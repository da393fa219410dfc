"""Two app servers behind one proxy share PostgreSQL, Redis and media: what one publishes the other
serves at once, and a session started on one is valid on the other.

Both run gunicorn with the production settings. The test speaks to them as the TLS-terminating
proxy does (X-Forwarded-Proto: https), so the secure session and CSRF cookies are the real ones;
it carries cookies itself because they are marked Secure and the hop is plain HTTP.

It also checks what gunicorn.conf.py sets for every gunicorn of the project: a long search
address reaches the portal instead of gunicorn's bare 414.
"""

import os
import secrets
from html.parser import HTMLParser

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.operations import scratch

PAGE_PATH = "/en/what-is-immunotherapy/"
ADMIN_USER = "ops-admin"
ADMIN_PASSWORD = "two-instances-" + secrets.token_hex(8)


class EditForm(HTMLParser):
    """The fields a browser would submit from the page editor, and the StreamField widgets,
    which only JavaScript turns into fields."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.stream_fields: list[str] = []
        self._textarea: str | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside and attributes.get("form") != self.form_id:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
            elif kind not in {"submit", "button", "image", "file", "reset"}:
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attributes), []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "div" and "w-block" in (attributes.get("data-controller") or "") and attributes.get("id"):
            self.stream_fields.append(attributes["id"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


def form_fields(page_html: str, form_id: str) -> tuple[list[tuple[str, str]], list[str]]:
    parser = EditForm(form_id)
    parser.feed(page_html)
    return parser.fields, parser.stream_fields


def log_in(instance: scratch.AppServer, cookies: dict[str, str]) -> None:
    status, _, login_page = instance.get("/admin/login/", cookies)
    assert status == 200, f"{instance.name}: login page answered {status}"
    marker = 'name="csrfmiddlewaretoken" value="'
    start = login_page.index(marker) + len(marker)
    token = login_page[start : login_page.index('"', start)]
    status, headers, body = instance.post(
        "/admin/login/",
        cookies,
        {"username": ADMIN_USER, "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
    )
    assert status == 302, f"{instance.name}: login answered {status}: {body[:500]}"
    assert "sessionid" in cookies, "the login set no session cookie"


def publish_through(
    instance: scratch.AppServer, cookies: dict[str, str], page_id: int, title: str, paragraph: str
) -> None:
    """Edit the page with the admin's own form, as an editor's browser does, and publish it as an
    urgent correction (a superuser's break-glass form: the one way to publish without a reviewer)."""
    edit_path = f"/admin/pages/{page_id}/edit/"
    status, _, editor = instance.get(edit_path, cookies)
    assert status == 200, f"{instance.name}: the editor answered {status}"
    fields, stream_fields = form_fields(editor, "page-edit-form")
    names = {name for name, _ in fields}
    assert {"title", "slug", "csrfmiddlewaretoken"} <= names, f"{instance.name}: unexpected editor form {names}"
    streams = {name: streamfield([]) for name in stream_fields}
    streams["body"] = streamfield([("text", rich_text(f"<p>{paragraph}</p>"))])
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data["title"] = [title]
    data.update({key: [str(value)] for key, value in nested_form_data(streams).items()})
    status, headers, body = instance.post(edit_path, cookies, data)
    assert status == 302, f"{instance.name}: saving answered {status}: {error_summary(body)}"
    correction_path = f"/admin/reports/clinical-review/urgent-correction/{page_id}/"
    status, _, form = instance.get(correction_path, cookies)
    assert status == 200, f"{instance.name}: the urgent-correction form answered {status}"
    token = dict(form_fields(form, "urgent-correction-form")[0])["csrfmiddlewaretoken"]
    reason = {"csrfmiddlewaretoken": [token], "reason": ["The page sends patients to the wrong phone number."]}
    status, _, body = instance.post(correction_path, cookies, reason)
    assert status == 302, f"{instance.name}: publishing answered {status}: {error_summary(body)}"


def error_summary(body: str) -> str:
    errors = [line.strip() for line in body.splitlines() if "error" in line.lower() and "<" not in line.strip()[:1]]
    return " | ".join(errors[:10]) or body[:500]


def prepare(environment: dict[str, str]) -> int:
    """Migrate and load the content into the shared database; make an admin; return the page id."""
    printed = scratch.prepare_site(
        environment,
        "from django.contrib.auth import get_user_model\n"
        "from wagtail.models import Page\n"
        f"get_user_model().objects.create_superuser({ADMIN_USER!r}, 'ops@example.org', {ADMIN_PASSWORD!r})\n"
        f"print(Page.objects.get(url_path='/home{PAGE_PATH.removeprefix('/en')}').pk)",
    )
    return int(printed.strip().splitlines()[-1])


def test_two_instances_share_publishing_and_sessions(tmp_path):
    postgres = scratch.postgres_server_url()
    redis_url = os.environ.get("REDIS_URL") or scratch.DEFAULT_REDIS
    for problem in (scratch.postgres_reachable(postgres), scratch.redis_reachable(redis_url)):
        if problem:
            scratch.unavailable(problem)
    prefix = f"ops-two-instances-{secrets.token_hex(4)}"
    try:
        with scratch.scratch_postgres_database(postgres) as database_url:
            environment = scratch.app_environment(
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                CACHE_KEY_PREFIX=prefix,
                MEDIA_ROOT=str(tmp_path / "shared-media"),
                # The editor here is a superuser with a password; the second factor production asks
                # of one is tested with real sign-ins in tests/staff_sign_in, not here.
                STAFF_MFA_FOR_SUPERUSERS="false",
            )
            page_id = prepare(environment)
            a = scratch.AppServer("instance A", tmp_path / "a.log", environment)
            b = scratch.AppServer("instance B", tmp_path / "b.log", environment)
            with scratch.running([a, b]):
                # As long as nginx passes by default (8 KB), answered by the portal, not refused.
                long_search = "/en/search/?q=" + "fever+" * 1200
                status, _, answer = a.get(long_search)
                assert status == 200 and "Your search was long" in answer, f"{status}: {answer[:300]}"

                # Readers on both instances first, so each has the page in the shared cache.
                for instance in (a, b):
                    status, _, before = instance.get(PAGE_PATH)
                    assert status == 200 and "Published through A" not in before

                cookies: dict[str, str] = {}
                log_in(a, cookies)
                publish_through(a, cookies, page_id, "Published through A", "A paragraph sent to instance A.")
                # At once: the very first request to B after A's answer must show the new version.
                status, _, after = b.get(PAGE_PATH)
                assert status == 200
                assert "Published through A" in after and "A paragraph sent to instance A." in after
                status, _, on_a = a.get(PAGE_PATH)
                assert status == 200 and "Published through A" in on_a

                # A's session is valid on B: the admin opens without a new login ...
                status, headers, dashboard = b.get("/admin/", dict(cookies))
                assert status == 200, f"B did not accept A's session: {status} {headers.get('Location')}"
                assert 'name="password"' not in dashboard, "B showed a login form"
                # ... and B takes a publish from it, which A then serves.
                publish_through(b, cookies, page_id, "Published through B", "A paragraph sent to instance B.")
                status, _, on_a = a.get(PAGE_PATH)
                assert status == 200 and "Published through B" in on_a and "Published through A" not in on_a

                logs = a.log.read_text() + b.log.read_text()
                assert "Traceback" not in logs, logs[-3000:]
    finally:
        scratch.forget_cache_keys(redis_url, prefix)
