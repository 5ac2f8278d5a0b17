"""Page weight: compressed bytes of a page's HTML plus the CSS and JS it loads."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.e2e.liveserver import get

# nginx's `gzip_comp_level` as docs/deploy.md sets it.
GZIP_LEVEL = 6


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        rel = (attributes.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.urls.append(attributes["href"])


@dataclass
class Weight:
    path: str
    status: int
    html: int = 0
    css: int = 0
    js: int = 0
    foreign: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))


def measure(base_url: str, path: str) -> Weight:
    """Fetch `path` and everything it loads; sum their gzip sizes by kind."""
    status, _, html = get(base_url + path)
    weight = Weight(path, status)
    if status != 200:
        return weight
    weight.html = gzipped(html)
    parser = _Assets()
    parser.feed(html.decode(errors="replace"))
    foreign = []
    for src in dict.fromkeys(parser.urls):
        url = urljoin(base_url + path, src)
        if urlsplit(url).netloc != urlsplit(base_url).netloc:
            foreign.append(url)
            continue
        asset_status, _, body = get(url)
        if asset_status != 200:
            raise RuntimeError(f"{path} loads {src}, which answered {asset_status}")
        if re.search(r"\.css(\?|$)", url):
            weight.css += gzipped(body)
        else:
            weight.js += gzipped(body)
    weight.foreign = tuple(foreign)
    return weight
