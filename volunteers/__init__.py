"""The volunteers app: `create_app()` builds it; `wsgi.py` exposes one for servers and `flask`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import selectinload
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import INSTANCE, ConfigError, select_profile

from .db_types import configure_sqlite
from .extensions import babel, csrf, db, login_manager, mail, migrate
from .i18n import discover_locales, escape_lazy_strings, select_locale
from .models import User  # (and with it every table, registered before Alembic looks)

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ConfigError", "create_app"]


class BoundedInt(IntegerConverter):
    """`<int:...>` limited to the range of a 32-bit database integer: a larger id is a 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(profile: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config_class = select_profile(profile)
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    config_class.finalise(app.config)
    app.config.setdefault("LANGUAGES", discover_locales(app))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    _init_extensions(app)
    _init_web(app)

    from .cli import register_commands

    register_commands(app)
    _init_logging(app)
    return app


def _init_extensions(app: Flask) -> None:
    escape_lazy_strings()
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(login_id: str) -> User | None:
        # The login id is "<user id>:<session version>": a raised version ends old sessions.
        try:
            user_id, version = (int(part) for part in login_id.split(":"))
        except ValueError:
            return None
        from .web.security.sessions import AUTHENTICATED_AT

        # Only a session begun by web/security/sessions.py (it knows when the login happened): this
        # also refuses Flask-Login's remember-me cookie, which carries no login time.
        if AUTHENTICATED_AT not in session:
            return None
        # The memberships with the account: the navigation asks for the roles on every page, and
        # a page that lists accounts would otherwise load them only when it lists this one.
        user = db.session.get(User, user_id, options=[selectinload(User.memberships)])
        if user is None or user.session_version != version or not user.active:
            return None
        return user


def _init_web(app: Flask) -> None:
    # The web layer and the commands are imported when the app is built, not above: every
    # module of the package imports this one first (as its parent), and the web layer
    # imports nearly all of them.
    from .web.auth import bp as auth_bp
    from .web.auth.second_factor import enforce_second_factor
    from .web.coordinator import bp as coordinator_bp
    from .web.edge import transaction
    from .web.edge.errors import register_error_pages
    from .web.edge.kept_forms import restore as restore_kept_form
    from .web.files.uploads import UploadRequest
    from .web.organisation import bp as organisation_bp
    from .web.pages import templating
    from .web.public import bp as public_bp
    from .web.security.access import enforce_access
    from .web.security.csrf import handle_csrf_error
    from .web.security.headers import add_hsts, refuse_nul_bytes, set_security_headers, warn_about_unconfigured_proxy
    from .web.security.sessions import enforce_limits
    from .web.volunteer import bp as volunteer_bp

    app.request_class = UploadRequest
    # Unbounded integers in URLs would overflow the database's integer columns.
    app.url_map.converters["int"] = BoundedInt
    app.before_request(refuse_nul_bytes)
    if not app.config["PROXY_COUNT"]:
        app.before_request(warn_about_unconfigured_proxy)
    # Sessions past their limits end first; the access gate must run before CSRFProtect's
    # own before_request.
    app.before_request(enforce_limits)
    app.before_request(enforce_access)
    app.before_request(enforce_second_factor)
    app.before_request(restore_kept_form)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, handle_csrf_error)
    register_error_pages(app)
    app.after_request(set_security_headers)
    if app.config["BASE_URL"].startswith("https://"):
        app.after_request(add_hsts)
    templating.init_app(app)

    for blueprint in (public_bp, auth_bp, coordinator_bp, volunteer_bp, organisation_bp):
        app.register_blueprint(blueprint)
    # Last, so that it wraps every view: each request commits once, when its view returns.
    transaction.init_app(app)


class RedactTokens(logging.Filter):
    """Keeps the secrets of mail links out of logs (access lines and error reports)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from .web.security.links import redact_tokens

        def clean(value):
            return redact_tokens(value) if isinstance(value, str) else value

        if isinstance(record.args, Mapping):  # gunicorn's access log passes a dict
            record.args = {key: clean(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(clean(value) for value in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        return True


def _init_logging(app: Flask) -> None:
    for logger in (logging.getLogger("werkzeug"), logging.getLogger("gunicorn.access"), app.logger):
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
