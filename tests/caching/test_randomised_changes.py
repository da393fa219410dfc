"""A random sequence of changes from an editor's process: after each, every public address answers
on the caching server exactly what a server with every cache off answers.

Two gunicorn servers on one database: the portal as deployed, and a reference with CACHING=false
(every page, fragment, link and lookup built afresh). Each address is read twice from the first
(a render, then a kept copy, often from the other worker) and both answers must be the reference's,
status, redirect, content type, framing policy and body. The seed is printed on failure; set
PORTAL_RANDOM_SEED to replay a sequence.
"""

import contextlib
import os
import random
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.caching.reads import HOST
from tests.conftest import channel_address
from tests.operations import scratch

CHANGES = 10
COMPARED_HEADERS = ("Location", "Content-Type", "Content-Security-Policy", "Access-Control-Allow-Origin")
# Addresses besides the pages, their embeds and handouts.
OTHER_ADDRESSES = [
    "/sitemap.xml",
    "/en/feeds/updates/",
    "/en/a-z/",
    "/en/search/?q=immune",
    "/en/search/?q=checkpoint",
    "/api/v2/pages/?limit=50",
    "/api/v2/pages/?type=education.TherapyTypePage&fields=related_pages,used_for,body",
    "/api/v2/pages/?type=education.ConditionPage&fields=therapy_types,related_pages",
    "/api/v2/faqs/?limit=50",
    "/api/v2/glossary/?limit=50",
    "/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C43.9",
]
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
SAMPLED_PER_ROUND = 6  # embeds and handouts of this many pages each round

# Loaded once into the editor's process: one function a change, each taking page ids.
EDITOR_CHANGES = """
import datetime
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from education.models import FAQ, GlossaryTerm, PortalSettings, SectionPage, TherapyTypePage, ConditionPage
from integrations.models import EmbedSettings

def specific(page_id):
    return Page.objects.get(pk=page_id).specific

def publish(page):
    page.save_revision().publish()

def retitle(page_id, number):
    page = specific(page_id); page.title = page.title.split(" (v")[0] + f" (v{number})"; publish(page)

def reslug(page_id, number):
    page = specific(page_id); page.slug = page.slug.split("-m")[0] + f"-m{number}"; publish(page)

def toggle_live(page_id, number):
    page = specific(page_id)
    if page.live:
        page.unpublish()
    else:
        page.get_latest_revision().publish()

def restrict(page_id, number):
    page = Page.objects.get(pk=page_id)
    existing = PageViewRestriction.objects.filter(page=page)
    if existing.exists():
        existing.delete()
        return
    kind = ["login", "password", "groups"][number % 3]
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="ward-only-1")
    if kind == "groups":
        restriction.groups.add(Group.objects.get_or_create(name="Ward staff")[0])

def alias(page_id, number):
    page = Page.objects.get(pk=page_id)
    aliases = Page.objects.filter(alias_of=page)
    if aliases.exists():
        for copy in aliases:
            copy.delete()
        return
    sections = list(SectionPage.objects.filter(alias_of__isnull=True).order_by("path"))
    parent = sections[number % len(sections)]
    if page.specific_class in parent.specific_class.allowed_subpage_models():
        page.create_alias(parent=parent, update_slug=f"{page.slug}-alias{number}")

def move(page_id, number):
    page = Page.objects.get(pk=page_id)
    if not issubclass(page.specific_class, TherapyTypePage):
        return retitle(page_id, number)
    sections = [
        section
        for section in SectionPage.objects.filter(alias_of__isnull=True).order_by("path")
        if section.pk != page.get_parent().pk
    ]
    page.move(sections[number % len(sections)], pos="last-child")

def define(page_id, number):
    terms = list(GlossaryTerm.objects.order_by("slug"))
    GlossaryTerm.objects.filter(pk=terms[number % len(terms)].pk).update(definition=f"Definition {number}.")

def answer(page_id, number):
    faqs = list(FAQ.objects.order_by("pk"))
    FAQ.objects.filter(pk=faqs[number % len(faqs)].pk).update(answer=f"<p>Answer {number}.</p>")

def phone(page_id, number):
    PortalSettings.objects.update(care_team_phone=f"0191 555 {number:04d}")

def frame(page_id, number):
    settings = EmbedSettings.load()
    settings.allowed_origins = "" if settings.allowed_origins else f"https://ward{number}.example.org"
    settings.save()

def relate(page_id, number):
    page = specific(page_id)
    if not hasattr(page, "related_pages"):
        return retitle(page_id, number)
    others = list(Page.objects.filter(depth__gt=2).exclude(pk=page_id).order_by("path").values_list("pk", flat=True))
    chosen = [others[(number * step) % len(others)] for step in (1, 3, 7)]
    page.related_pages = [("page", Page.objects.get(pk=pk)) for pk in chosen]
    publish(page)

def use_for(page_id, number):
    therapies = list(TherapyTypePage.objects.filter(alias_of__isnull=True).order_by("path"))
    therapy = therapies[number % len(therapies)]
    conditions = list(ConditionPage.objects.order_by("path"))
    therapy.used_for = conditions[: number % (len(conditions) + 1)]
    publish(therapy)
"""
CHANGE_NAMES = [
    "retitle",
    "reslug",
    "toggle_live",
    "restrict",
    "alias",
    "move",
    "define",
    "answer",
    "phone",
    "frame",
    "relate",
    "use_for",
]


@contextlib.contextmanager
def topology(name: str, tmp_path) -> Iterator[dict[str, str]]:
    base = {"MEDIA_ROOT": str(tmp_path / "media"), "ALLOWED_HOSTS": f"127.0.0.1,localhost,{HOST}"}
    base["RATE_LIMITS_ENABLED"] = "false"  # thousands of reads from one address
    if name == "sqlite, local memory":
        yield scratch.app_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", **base)
        return
    postgres, redis_url = scratch.postgres_server_url(), os.environ.get("REDIS_URL") or scratch.DEFAULT_REDIS
    for problem in (scratch.postgres_reachable(postgres), scratch.redis_reachable(redis_url)):
        if problem:
            scratch.unavailable(problem)
    prefix = f"random-changes-{secrets.token_hex(4)}"
    try:
        with scratch.scratch_postgres_database(postgres) as url:
            yield scratch.app_environment(DATABASE_URL=url, REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix, **base)
    finally:
        scratch.forget_cache_keys(redis_url, prefix)


def page_paths(reference: scratch.AppServer) -> set[str]:
    status, _, sitemap = reference.get("/sitemap.xml")
    assert status == 200
    return {re.sub(r"^https?://[^/]+", "", location) for location in re.findall(r"<loc>([^<]+)</loc>", sitemap)}


def answer(server: scratch.AppServer, path: str) -> tuple:
    status, headers, body = server.get(path)
    # django-csp writes the policy's directives in an order of its own, which differs per process.
    policy = "; ".join(sorted(part.strip() for part in headers.get("Content-Security-Policy", "").split(";")))
    headers = {**headers, "Content-Security-Policy": policy}
    # A password form carries a CSRF token of its own on every answer (it is never kept).
    body = CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', body)
    return (status, *(headers.get(name, "") for name in COMPARED_HEADERS), body)


def differences(cached: scratch.AppServer, reference: scratch.AppServer, paths: list[str]) -> list[str]:
    # Two readers at once: each server has two workers.
    with ThreadPoolExecutor(max_workers=2) as readers:
        expected = list(readers.map(lambda path: answer(reference, path), paths))
        first = list(readers.map(lambda path: answer(cached, path), paths))
        second = list(readers.map(lambda path: answer(cached, path), paths))
    found = []
    names = ("status", *COMPARED_HEADERS, "body")
    for path, fresh, *reads in zip(paths, expected, first, second, strict=True):
        for read, got in zip(("first", "second"), reads, strict=True):
            if got != fresh:
                which = [name for name, a, b in zip(names, got, fresh, strict=True) if a != b]
                found.append(f"{path} ({read} read): {', '.join(which)} differ; cached {got[0]}, fresh {fresh[0]}")
                break
    return found


@pytest.mark.parametrize("name", ["sqlite, local memory", "postgresql, redis"])
def test_after_every_change_each_address_answers_what_a_fresh_render_answers(name, tmp_path):
    seed = int(os.environ.get("PORTAL_RANDOM_SEED") or random.SystemRandom().randrange(10**6))
    chooser = random.Random(seed)
    with topology(name, tmp_path) as environment:
        printed = scratch.prepare_site(
            environment,
            "from wagtail.models import Page\n"
            "print(','.join(str(pk) for pk in Page.objects.filter(depth__gt=2).values_list('pk', flat=True)))",
        )
        page_ids = [int(pk) for pk in printed.strip().splitlines()[-1].split(",")]
        cached = scratch.AppServer("caching server", tmp_path / "cached.log", environment, host=HOST)
        reference = scratch.AppServer(
            "reference server", tmp_path / "reference.log", {**environment, "CACHING": "false"}, host=HOST
        )
        with scratch.running([cached, reference]), scratch.Editor(environment) as editor:
            editor.run(EDITOR_CHANGES)
            every_path = page_paths(reference)
            history = []
            for number in range(CHANGES + 1):
                every_path |= page_paths(reference)
                pages = sorted(every_path)
                sampled = chooser.sample(pages, min(SAMPLED_PER_ROUND, len(pages)))
                addresses = [*pages, *OTHER_ADDRESSES]
                addresses += [channel_address("embed", path) for path in sampled] + [
                    channel_address("handout", path) for path in sampled
                ]
                import time

                started = time.monotonic()
                found = differences(cached, reference, addresses)
                print(f"round {number}: {len(addresses)} addresses, {time.monotonic() - started:.1f} s", flush=True)
                assert not found, f"seed {seed}, after {history or ['nothing']}:\n" + "\n".join(found[:10])
                if number == CHANGES:
                    break
                change, page_id = chooser.choice(CHANGE_NAMES), chooser.choice(page_ids)
                editor.run(f"{change}({page_id}, {number})")
                history.append(f"{change}({page_id})")
        for server in (cached, reference):
            assert not server.tracebacks(), server.tracebacks()
