"""A production rehearsal: the site started the way docs/deploy.md says, on PostgreSQL.

Runs in the PostgreSQL pass only (it needs PostgreSQL and Redis, like production).
The booking journey against it is in journeys/test_production_booking.py.
"""

from __future__ import annotations

import json
import os

import pytest

from .liveserver import flask, get

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

# nginx sets these (docs/deploy.md); PROXY_FIX_HOPS=1 makes the app trust one hop of them.
BEHIND_NGINX = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                "X-Forwarded-Host": "coach.example.com"}


def test_production_is_healthy_on_postgresql(production_site):
    status, _, body = get(f"{production_site.url}/healthz", BEHIND_NGINX)
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert production_site.env["DATABASE_URL"].startswith("postgresql")


def test_production_sends_hsts_and_the_strict_policy(production_site):
    for path in ("/", "/privacy", "/book", "/healthz", "/no-such-page"):
        status, headers, _ = get(f"{production_site.url}{path}", BEHIND_NGINX)
        assert status in (200, 404), (path, status)
        assert headers["Strict-Transport-Security"].startswith("max-age="), path
        assert "unsafe-eval" not in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path


def test_production_pages_set_only_secure_cookies(production_site):
    for path in ("/", "/articles/", "/assessment", "/book", "/privacy", "/cookies",
                 "/dashboard/login"):
        status, headers, _ = get(f"{production_site.url}{path}", BEHIND_NGINX)
        assert status == 200, (path, status)
        for cookie in headers.get_all("Set-Cookie") or []:
            attributes = cookie.lower()
            assert "; secure" in attributes, f"{path} set an insecure cookie: {cookie}"
            assert "samesite=" in attributes, f"{path} set a cookie without SameSite: {cookie}"


def test_production_redirects_use_the_public_https_host(production_site):
    status, headers, _ = get(f"{production_site.url}/dashboard/", BEHIND_NGINX)
    assert status in (302, 303)
    assert headers["Location"].startswith(("https://coach.example.com/", "/dashboard/login"))


def test_production_refuses_demo_seed(production_site):
    result = flask(["seed", "demo"], production_site.env, check=False)
    assert result.returncode != 0
    assert "production" in (result.stdout + result.stderr).lower()


def test_production_refuses_memory_rate_limits(production_site):
    env = dict(production_site.env, RATELIMIT_STORAGE_URI="memory://")
    result = flask(["db", "current"], env, check=False)
    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in result.stdout + result.stderr


def test_production_runs_the_mail_worker_as_its_own_process(production_site):
    from .liveserver import mail_worker_available

    assert (production_site.worker is not None) == mail_worker_available(production_site.env)
    if production_site.worker is not None:
        assert production_site.worker.running, production_site.worker.log_tail()


def test_smoke_script_passes_against_production(production_site):
    """scripts/production_smoke.sh is what operators run after a deploy: it must agree."""
    import subprocess

    from .liveserver import REPO

    # The rehearsal's certificate is self-signed and it has no port 80 to redirect from.
    env = {**os.environ, "SMOKE_INSECURE": "1", "SMOKE_HTTP_REDIRECT": "0"}
    result = subprocess.run(["bash", str(REPO / "scripts" / "production_smoke.sh"),
                             production_site.url], capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
