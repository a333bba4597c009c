"""The Flask extensions, created unbound and initialised in create_app()."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so Alembic can alter them, SQLite batch mode included.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
#: Per-IP limits on the public forms; in memory unless RATELIMIT_STORAGE_URI names Redis.
limiter = Limiter(key_func=get_remote_address)
#: The blueprints whose pages are limited when read (GET) too; elsewhere only what is sent (POST) is.
READ_LIMITED_BLUEPRINTS = frozenset({"api"})


@limiter.request_filter
def reads_outside_the_limits() -> bool:
    """A GET or HEAD outside ``READ_LIMITED_BLUEPRINTS``, which no limit applies to: Flask-Limiter
    need not look for one (looking took 8% of a small page's worker time). A limit on reading a page
    elsewhere needs its blueprint added to the set (tests/test_rate_limits.py fails until it is)."""
    return request.method in ("GET", "HEAD") and request.blueprint not in READ_LIMITED_BLUEPRINTS
