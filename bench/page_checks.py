"""What a reader's browser downloads for a page, and whether any script blocks its first paint."""

import gzip
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# Data blocks, not scripts: they run nothing and block nothing.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "text/template"}


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes  # as sent: still compressed if the server compressed it

    @property
    def encoding(self) -> str:
        return self.headers.get("Content-Encoding", "identity")

    @property
    def text(self) -> str:
        raw = gzip.decompress(self.body) if self.encoding == "gzip" else self.body
        return raw.decode("utf-8", errors="replace")


def fetch(url: str, accept_encoding: str = "gzip", timeout: float = 10) -> Fetched:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return Fetched(url, response.status, dict(response.headers.items()), response.read())


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_head = False
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.blocking: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes.get("href") or "")
        elif tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if kind in DATA_SCRIPT_TYPES:
                return
            source = attributes.get("src")
            if not source:
                self.inline_scripts += 1
                return
            self.scripts.append(source)
            deferred = "defer" in attributes or "async" in attributes or kind == "module"
            if self.in_head and not deferred:
                self.blocking.append(source)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


@dataclass
class PageWeight:
    """A page's HTML with its stylesheets and scripts, in bytes as transferred."""

    html_bytes: int
    html_encoding: str
    html_gzip_bytes: int  # what gzip makes of the HTML, whether or not the server compressed it
    assets: list[tuple[str, int, str]] = field(default_factory=list)  # url, bytes sent, encoding
    blocking_scripts: list[str] = field(default_factory=list)
    inline_scripts: int = 0

    @property
    def total_bytes(self) -> int:
        return self.html_bytes + sum(size for _, size, _ in self.assets)

    @property
    def total_if_html_gzipped(self) -> int:
        return self.html_gzip_bytes + sum(size for _, size, _ in self.assets)


def page_weight(base_url: str, path: str) -> PageWeight:
    page = fetch(base_url + path)
    html = page.text
    parser = _PageParser()
    parser.feed(html)
    weight = PageWeight(
        html_bytes=len(page.body),
        html_encoding=page.encoding,
        html_gzip_bytes=len(gzip.compress(html.encode(), compresslevel=6)),
        blocking_scripts=parser.blocking,
        inline_scripts=parser.inline_scripts,
    )
    for source in dict.fromkeys([*parser.stylesheets, *parser.scripts]):
        if not source:
            continue
        url = urljoin(base_url + path, source)
        if not url.startswith(base_url):
            continue  # nothing is loaded from another origin; if it were, it is not ours to measure
        asset = fetch(url)
        weight.assets.append((source, len(asset.body), asset.encoding))
    return weight
