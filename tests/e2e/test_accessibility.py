"""axe-core on every public page, at phone and desktop widths, and reflow at 390 px.

The page list is `contract.public_pages()`: the DESIGN.md contract pages plus
every other public GET route the app registers. States that need merged
features (banner, form errors, open day slots, the dashboard after login) are
in `journeys/test_accessibility_states.py`.
"""

from __future__ import annotations

import pytest

from .a11y import assert_accessible
from .conftest import DESKTOP, PHONE
from .contract import public_pages

pytestmark = pytest.mark.e2e

PAGES = public_pages()


def _open(page, path):
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, f"{path} answered {response.status}: the contract says it exists"
    assert response.headers["content-type"].startswith("text/html"), path
    return response


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_public_page_has_no_serious_violations(new_context, path, device):
    page = new_context(PHONE if device == "phone" else DESKTOP).new_page()
    _open(page, path)
    assert_accessible(page, f"{path} ({device})")


@pytest.mark.parametrize("path", PAGES)
def test_public_page_reflows_at_phone_width(phone, path):
    """WCAG 1.4.10: nothing makes a 390 px wide phone scroll sideways."""
    _open(phone, path)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"


@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_one_h1_and_a_unique_title(phone, path):
    _open(phone, path)
    assert phone.locator("h1").count() == 1, f"{path} should have exactly one h1"
    assert phone.title().strip(), f"{path} has an empty <title>"


def test_titles_differ_between_pages(phone):
    titles = {}
    for path in PAGES:
        _open(phone, path)
        titles.setdefault(phone.title(), []).append(path)
    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert not shared, f"pages sharing a <title>: {shared}"
