"""Settings read from the environment, in one place.

Development works with no environment at all; production refuses the defaults
that would make it unsafe and says which one and why.
"""

from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """The configuration would make the site unsafe or broken."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the driver this project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ.get("COACHING_ENV", "development").strip().lower()
    if env not in {"development", "production"}:
        raise ConfigError(f"COACHING_ENV must be development or production, got {env!r}")
    production = env == "production"

    instance = Path(instance_path)
    default_db = "sqlite:///" + str(instance / "coaching.sqlite3")
    database_url = normalise_database_url(os.environ.get("DATABASE_URL") or default_db)
    mail_url = os.environ.get("MAIL_URL") or ("file://" + str(instance / "mail"))

    return {
        "COACHING_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_URL": mail_url,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Career Compass <hello@career-compass.example>"),
        # A worker thread inside the development server delivers the outbox so
        # `make run` sends mail without a second process; production runs
        # `flask mail worker` as its own service instead.
        "MAIL_WORKER_THREAD": _bool(os.environ.get("MAIL_WORKER_THREAD"), default=not production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "PUBLIC_BASE_URL": (os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip(
            "/"
        ),
        "PRACTICE_NAME": os.environ.get("PRACTICE_NAME", "Career Compass Coaching"),
        "PRACTICE_TAGLINE": os.environ.get(
            "PRACTICE_TAGLINE", "Thoughtful coaching for people deciding what their work is for"
        ),
        "COACH_NAME": os.environ.get("COACH_NAME", "Alex Morgan"),
        "COACH_CREDENTIALS": os.environ.get(
            "COACH_CREDENTIALS",
            "ICF Professional Certified Coach; MSc Occupational Psychology; "
            "twelve years in HR and talent development",
        ),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "hello@career-compass.example"),
        "CONSENT_POLICY_REVISION": _int("CONSENT_POLICY_REVISION", 1),
        "CONSENT_RECORD_RETENTION_DAYS": _int("CONSENT_RECORD_RETENTION_DAYS", 5 * 365),
        "BOOKING_RETENTION_DAYS": _int("BOOKING_RETENTION_DAYS", 365),
        "ANALYTICS_SCRIPT_URL": os.environ.get("ANALYTICS_SCRIPT_URL", ""),
        # Pepper for the user-agent hash in consent records (falls back to SECRET_KEY).
        "CONSENT_UA_PEPPER": os.environ.get("CONSENT_UA_PEPPER", ""),
        # Loaded only after the visitor agrees to embedded media; empty hides the video.
        "INTRO_VIDEO_URL": os.environ.get(
            "INTRO_VIDEO_URL", "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"
        ),
        # Page views are written in batches at most this often (see coaching/metrics.py).
        "METRICS_FLUSH_SECONDS": float(os.environ.get("METRICS_FLUSH_SECONDS") or 10),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead of a clock
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_IDLE_MINUTES", 30) * 60,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    }


def check_production(config: dict) -> None:
    """Refuse to run production with settings that would be unsafe."""
    if config.get("COACHING_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or not secret:
        raise ConfigError(
            "SECRET_KEY is missing or the development default: production signs sessions, "
            "CSRF tokens and booking links with it, so anyone knowing the default could forge "
            "them. Set SECRET_KEY to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    if len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY is shorter than 32 characters: production needs a long random value."
        )
    if config.get("RATELIMIT_STORAGE_URI", "").startswith("memory"):
        # Counts kept in one process's memory are per worker, so limits leak.
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory:// in production: with several gunicorn workers "
            "each keeps its own counts. Point it at Redis, e.g. redis://127.0.0.1:6379/0."
        )
