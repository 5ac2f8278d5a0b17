import pytest

from coaching import create_app
from coaching.config import DEV_SECRET_KEY, ConfigError, normalise_database_url


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COACHING_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("SECRET_KEY", raising=False)


def test_production_refuses_missing_secret(production_env):
    with pytest.raises(ConfigError, match="SECRET_KEY is missing or the development default"):
        create_app()


def test_production_refuses_default_secret(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigError, match="forge"):
        create_app()


def test_production_refuses_short_secret(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="32 characters"):
        create_app()


def test_production_refuses_memory_rate_limits(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app()


def test_production_with_safe_settings_has_secure_cookies(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAIL_WORKER_THREAD"] is False


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("COACHING_ENV", "staging")
    with pytest.raises(ConfigError, match="development or production"):
        create_app()


def test_development_defaults(monkeypatch, tmp_path):
    for name in ("COACHING_ENV", "DATABASE_URL", "MAIL_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACHING_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'coaching.sqlite3'}"
    assert app.config["MAIL_URL"] == f"file://{tmp_path / 'mail'}"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_factory_applies_test_config(tmp_path):
    app = create_app({"TESTING": True, "PRACTICE_NAME": "Test Practice",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.testing
    assert app.config["PRACTICE_NAME"] == "Test Practice"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_bad_integer_setting_is_explained(monkeypatch):
    monkeypatch.setenv("CONSENT_POLICY_REVISION", "two")
    with pytest.raises(ConfigError, match="CONSENT_POLICY_REVISION must be a whole number"):
        create_app()
