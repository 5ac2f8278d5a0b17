"""Which public pages exist: the DESIGN.md contract plus whatever the URL map adds.

`CONTRACT_PAGES` are audited and must answer 200 with HTML.
"""

from __future__ import annotations

CONTRACT_PAGES = [
    "/",
    "/articles/",
    "/articles/career-or-job",
    "/assessment",
    "/book",
    "/privacy",
    "/cookies",
    "/dashboard/login",
]

# Routes in the URL map that are not HTML pages for people.
NOT_PAGES_SUFFIXES = (".xml", ".txt", ".atom", ".rss", ".ics", ".json", ".csv")
NOT_PAGES = {"/healthz"}
PRIVATE_PREFIXES = ("/dashboard", "/bookings/", "/api/", "/static/")


def discovered_public_pages() -> list[str]:
    """Return the argument-free GET routes of the app that are public HTML pages."""
    from coaching import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "discovery-only-" + "x" * 32})
    pages = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if "GET" not in (rule.methods or ()) or rule.arguments or rule.endpoint == "static":
            continue
        if path in NOT_PAGES or path.endswith(NOT_PAGES_SUFFIXES):
            continue
        if path.startswith(PRIVATE_PREFIXES) or path.startswith("/_"):
            continue
        pages.add(path)
    return sorted(pages)


def dashboard_pages() -> list[str]:
    """Return the argument-free GET routes of the dashboard (for the signed-in audit)."""
    from coaching import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "discovery-only-" + "x" * 32})
    skip = {"/dashboard/login", "/dashboard/logout"}
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/dashboard") and "GET" in (rule.methods or ())
        and not rule.arguments and rule.rule not in skip
        and not rule.rule.endswith(NOT_PAGES_SUFFIXES)
    )


def public_pages() -> list[str]:
    """Every page to audit: the contract pages, then any other public route the app has."""
    extra = [p for p in discovered_public_pages() if p not in CONTRACT_PAGES]
    return CONTRACT_PAGES + extra
