"""The coaching-practice site: `create_app()` builds it."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import config as config_module

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    """Find templates/ or static/: inside the package when installed, else the repo root."""
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def migrations_dir() -> Path:
    return _resource_dir("migrations")


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        template_folder=str(_resource_dir("templates")),
        static_folder=str(_resource_dir("static")),
        instance_path=os.environ.get("COACHING_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    config_module.check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)

    from . import cli, errors, mail, metrics, security, templating

    metrics.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    mail.init_app(app)  # add-to-calendar template helper; dev mail thread on first request
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401 - registers every table on the metadata
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(migrations_dir()), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from .sqlite import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from .articles.views import bp as articles_bp
    from .assessment.views import bp as assessment_bp
    from .booking.views import bp as booking_bp
    from .consent.views import bp as consent_bp
    from .dashboard import bp as dashboard_bp
    from .site.views import bp as site_bp

    for blueprint in (site_bp, articles_bp, assessment_bp, booking_bp, consent_bp, dashboard_bp):
        app.register_blueprint(blueprint)
