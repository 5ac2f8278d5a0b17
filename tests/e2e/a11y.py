"""Run axe-core in the page and fail on serious or critical violations, readably.

axe-playwright-python ships axe-core inside the package (`axe.min.js`) and
injects it with `page.evaluate`, which the page's CSP does not govern, so
nothing is fetched from another host and the site's policy stays strict.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING = ("serious", "critical")
_AXE = Axe()


def violations(page: Page) -> list[dict]:
    """Return axe's serious and critical violations for the page as it is now."""
    results = _AXE.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[dict], where: str) -> str:
    """Format violations as a short report: rule, impact, help link, each offending node."""
    lines = [f"{len(found)} serious/critical accessibility violation(s) on {where}:"]
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str | None = None) -> None:
    """Fail the test if axe finds serious or critical problems on the page."""
    found = violations(page)
    if found:
        pytest.fail(describe(found, where or page.url), pytrace=False)
