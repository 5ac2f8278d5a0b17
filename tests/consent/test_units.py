"""Pure helpers: address truncation, return-path checks, cookie lifetimes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coaching.consent.registry import CONSENT_COOKIE, COOKIES, NECESSARY, lookup
from coaching.consent.services import safe_next, truncate_ip
from coaching.consent.state import lifetime


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_truncate_ip(address, expected):
    assert truncate_ip(address) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "/default"),
        ("", "/default"),
        ("/articles/career-or-job?x=1#top", "/articles/career-or-job?x=1#top"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("relative", None),
        ("/tab\there", None),
    ],
)
def test_safe_next(value, expected):
    assert safe_next(value, "/default") == expected


def test_lifetimes():
    assert lifetime({"analytics": False, "media": False}) == timedelta(days=183)
    assert lifetime({"analytics": False, "media": True}) == timedelta(days=395)


def test_registry_lookup_handles_suffixed_names():
    assert lookup("_pk_id.1.a1b2").name == "_pk_id"
    assert lookup("_pk_idx") is None
    assert lookup(CONSENT_COOKIE).category == NECESSARY
    assert lookup("YSC") is None  # third party: never on this site's address
    assert len({c.name for c in COOKIES}) == len(COOKIES)
