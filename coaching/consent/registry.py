"""Every cookie the site can set, in one place: the policy page and the tests read it.

A cookie missing here is a bug: the crawl test in `tests/consent/` fails when a
page sets a cookie this registry does not list, or a non-necessary one before
the visitor has agreed to its category.
"""

from __future__ import annotations

from dataclasses import dataclass

NECESSARY = "necessary"
ANALYTICS = "analytics"
MEDIA = "media"

# Optional categories, in the order the banner and the settings page show them.
OPTIONAL_CATEGORIES = (ANALYTICS, MEDIA)

CONSENT_COOKIE = "consent"
# A refusal is remembered for 6 months, a consent for at most 13 (CNIL and
# EDPB practice); after that the visitor is asked again.
REFUSAL_DAYS = 183
CONSENT_DAYS = 395


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    description: str
    optional: bool


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: str
    duration: str
    party: str  # "first" (set for this site's address) or "third" (another host)
    provider: str = ""
    # Tools such as Matomo suffix their cookie names (`_pk_id.1.a1b2`).
    suffixed: bool = False

    @property
    def label(self) -> str:
        return self.name + (".*" if self.suffixed else "")

    def matches(self, name: str) -> bool:
        """Tell whether a cookie called `name` is this one."""
        return name == self.name or (self.suffixed and name.startswith(self.name + "."))


CATEGORIES: tuple[Category, ...] = (
    Category(
        NECESSARY,
        "Strictly necessary",
        "Keep forms safe from forgery, remember the coach's sign-in and remember your "
        "cookie choices. The site cannot work without them, so they need no consent.",
        optional=False,
    ),
    Category(
        ANALYTICS,
        "Analytics",
        "Count visits with an analytics tool, to learn which pages help people. "
        "Off unless you switch it on. We never use it for advertising.",
        optional=True,
    ),
    Category(
        MEDIA,
        "Embedded video",
        "Play the introduction video, which is hosted by YouTube. YouTube may set "
        "its own cookies and learn that you watched it.",
        optional=True,
    ),
)

COOKIES: tuple[Cookie, ...] = (
    Cookie(
        "session",
        NECESSARY,
        "Protects forms against cross-site forgery and keeps the coach signed in to "
        "the dashboard. Set only when you open a form or sign in.",
        "Until you close the browser (30 minutes idle for the coach)",
        "first",
    ),
    Cookie(
        "remember_token",
        NECESSARY,
        "Keeps the coach signed in on their own device, only if they ask for it.",
        "Up to 365 days",
        "first",
    ),
    Cookie(
        CONSENT_COOKIE,
        NECESSARY,
        "Remembers your cookie choices (which categories, the policy version, when), "
        "signed so it cannot be altered.",
        "6 months after a refusal, 13 months after a consent",
        "first",
    ),
    # What the analytics script (Matomo-style, when ANALYTICS_SCRIPT_URL is
    # configured) writes on this site's address; deleted when analytics is refused.
    Cookie(
        "_pk_id",
        ANALYTICS,
        "A random visitor number, to tell a return visit from a new one.",
        "13 months",
        "first",
        "Analytics tool",
        suffixed=True,
    ),
    Cookie(
        "_pk_ses",
        ANALYTICS,
        "Groups the pages of one visit.",
        "30 minutes",
        "first",
        "Analytics tool",
        suffixed=True,
    ),
    Cookie(
        "YSC",
        MEDIA,
        "Set by YouTube when the video plays, to keep statistics and prevent abuse.",
        "Until you close the browser",
        "third",
        "YouTube (Google)",
    ),
    Cookie(
        "VISITOR_INFO1_LIVE",
        MEDIA,
        "Set by YouTube to estimate your bandwidth and remember player settings.",
        "6 months",
        "third",
        "YouTube (Google)",
    ),
)


def category(key: str) -> Category:
    """Return the category called `key`."""
    for item in CATEGORIES:
        if item.key == key:
            return item
    raise KeyError(key)


def cookies_in(category_key: str, party: str | None = None) -> list[Cookie]:
    """Return the cookies of one category, optionally only first- or third-party."""
    return [
        c for c in COOKIES if c.category == category_key and (party is None or c.party == party)
    ]


def lookup(name: str, party: str = "first") -> Cookie | None:
    """Return the registered cookie a cookie called `name` is, or None if unlisted."""
    for cookie in COOKIES:
        if cookie.party == party and cookie.matches(name):
            return cookie
    return None
