"""A hospital intranet frames an embed page: Chromium shows it to an allowlisted origin, blocks it
for any other, and the iframe's height follows the content."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser
EMBED_PATH = "/en/embed/types/cytokines/"


@contextmanager
def host_site(origin: str, portal: str) -> Iterator[str]:
    """Serve a minimal intranet page at `origin` that frames the portal's embed page."""
    page = f"""<!DOCTYPE html><html lang="en"><head><title>Intranet</title></head><body>
<h1>Ward intranet</h1>
<iframe src="{portal}{EMBED_PATH}" title="Cytokines" data-portal-embed style="width:100%;border:0;height:150px"></iframe>
<script src="{portal}/embed/host.js"></script>
</body></html>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", urlsplit(origin).port or 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_allowlisted_origin_shows_the_embed_and_sizes_it(new_page, portal_server, allowed_host_origin):
    with host_site(allowed_host_origin, portal_server) as url:
        page = new_page(1280, 800)
        page.goto(url)
        frame = page.frame_locator("iframe[data-portal-embed]")
        frame.locator("h1").wait_for()
        assert frame.locator("h1").inner_text() == "Cytokines"
        assert frame.locator(".site-header").count() == 0
        # The embed page reports its height and the host script applies it.
        page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 1000")
        iframe_height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
        content_height = page.frames[1].evaluate("document.documentElement.scrollHeight")
        assert abs(iframe_height - content_height) <= 2


def test_other_origin_is_blocked(new_page, portal_server):
    with host_site("http://127.0.0.1:0", portal_server) as url:
        page = new_page(1280, 800)
        # Chromium reports the refusal on the console, naming the directive that blocked it.
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text, timeout=10_000):
            page.goto(url)
        child = page.frames[1]
        assert child.url != portal_server + EMBED_PATH or child.locator("h1").count() == 0
        assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == 150
