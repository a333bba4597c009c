"""Settings, read from environment variables with safe development defaults."""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from portal import clock
from portal.links import base_host

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class Config:
    """Every setting the portal reads; the README documents each variable."""

    def __init__(self, instance_path: str):
        instance = Path(instance_path)
        self.ENV_NAME = os.environ.get("PORTAL_ENV", "development")
        self.SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'portal.sqlite3'}"
        )
        #: No ``pool_pre_ping``: ``connection_check`` pings only a connection in doubt
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        #: SQLite only: FULL waits for the disk at every commit; NORMAL (WAL) survives a crash of the
        #: portal, but a power cut or crash of the machine may undo the last commits
        self.SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper()
        self.PORTAL_REGION_FILE = os.environ.get("PORTAL_REGION_FILE", "")
        #: The maps' base geography (made by portal/projects/map/base_data.py); empty: the vendored one
        self.PORTAL_MAP_BASE_FILE = os.environ.get("PORTAL_MAP_BASE_FILE", "")
        self.PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
        #: The proxies whose X-Forwarded-* headers count (addresses or networks, comma-separated)
        self.TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
        self.PORTAL_PAGE_SIZE = int(os.environ.get("PORTAL_PAGE_SIZE", "12"))
        #: The pipeline board shows the newest this many cards of each stage, then a link to the rest.
        self.BOARD_CARDS_PER_STAGE = int(os.environ.get("BOARD_CARDS_PER_STAGE", "50"))
        #: Aftercare: months between contacts by registered capital, "US$ million:months,..."
        #: (``portal.leads.rules.aftercare``).
        self.AFTERCARE_VISIT_RHYTHM = os.environ.get("AFTERCARE_VISIT_RHYTHM", "50:6,10:12,0:24")
        #: Working days the centre gives itself to resolve an investor's issue (its due date when raised).
        self.ISSUE_DUE_WORKING_DAYS = int(os.environ.get("ISSUE_DUE_WORKING_DAYS", "10"))
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", self.is_production)
        # "__Host-": the browser keeps it only if Secure, for Path=/ and this host alone (no Domain)
        self.SESSION_COOKIE_NAME = "__Host-session" if self.SESSION_COOKIE_SECURE else "session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.LANGUAGE_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        #: Browsers keep to HTTPS for a year once they have seen the portal over it.
        self.STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains" if self.is_production else ""
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # uploads (lead imports) are at most 2 MB
        # Catalogue photos and brochures: only the upload view lifts the request limit, to its own size
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(instance / "uploads"))
        self.UPLOAD_MAX_IMAGE_BYTES = int(os.environ.get("UPLOAD_MAX_IMAGE_BYTES", str(8 * 1024 * 1024)))
        self.UPLOAD_MAX_BROCHURE_BYTES = int(os.environ.get("UPLOAD_MAX_BROCHURE_BYTES", str(20 * 1024 * 1024)))
        # The portal's public address: every absolute link (e-mails, sitemap, API) is built on it,
        # never on the Host header of a request. Required in production.
        self.PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "" if self.is_production else "http://127.0.0.1:5000")
        # Host names requests may name (Flask refuses others with 400); production: the base URL's host
        self.TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or (
            [base_host(self.PORTAL_BASE_URL)] if self.is_production and self.PORTAL_BASE_URL else None)
        # Public forms and the leads they create
        self.PORTAL_LEADS_EMAIL = os.environ.get("PORTAL_LEADS_EMAIL", "")
        self.PORTAL_LEADS_LANGUAGE = os.environ.get("PORTAL_LEADS_LANGUAGE", "vi")
        self.PORTAL_FORM_RATE_LIMIT = os.environ.get("PORTAL_FORM_RATE_LIMIT", "10 per hour")
        # The investor's private page (/<lang>/my-inquiry): how long a link works, where their documents go
        self.INQUIRY_LINK_DAYS = int(os.environ.get("INQUIRY_LINK_DAYS", "180"))
        self.LEAD_DOCUMENT_DIR = os.environ.get("LEAD_DOCUMENT_DIR", str(instance / "lead-documents"))
        self.LEAD_DOCUMENT_MAX_BYTES = int(os.environ.get("LEAD_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
        # The public response-time promise shows once this many leads of the last 90 days were answered
        self.RESPONSE_PROMISE_MIN_ANSWERED = int(os.environ.get("RESPONSE_PROMISE_MIN_ANSWERED", "20"))
        self.FORM_MIN_FILL_SECONDS = float(os.environ.get("FORM_MIN_FILL_SECONDS", "3"))
        # Several workers must count in one place: Redis in production, memory only in development
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379" if self.is_production else "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        #: Two portals sharing one Redis count apart under different prefixes
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "invest-portal")
        # The public JSON API (/api/v1), per client address
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
        self.STAFF_LOGIN_RATE_LIMIT = os.environ.get("STAFF_LOGIN_RATE_LIMIT", "20 per hour")
        # Staff sessions end after this long without a request, and this long after sign-in
        self.SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
        self.SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.SESSION_MAX_HOURS)
        #: A new lead must get its first answer within this many working hours (Vietnam time).
        self.FIRST_RESPONSE_HOURS = int(os.environ.get("FIRST_RESPONSE_HOURS", "8"))
        #: After the first answer, the owner gets a follow-up task this many working days later.
        self.FOLLOW_UP_WORKING_DAYS = int(os.environ.get("FOLLOW_UP_WORKING_DAYS", "5"))
        # Mail: with no MAIL_SERVER, e-mails are written to instance/mail/ as .eml files
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Invest Portal <no-reply@localhost>")
        # The centre's reply mailbox: mail about a lead asks for answers at its plus address
        # (invest+REFERENCE@...), so they can be matched to the lead
        self.MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
        self.MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
        # Development sends from the web process after each commit; production runs ``flask outbox work``
        self.MAIL_SEND_AFTER_COMMIT = _bool("MAIL_SEND_AFTER_COMMIT", not self.is_production)
        self.OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", "2"))
        # The reply mailbox read by ``flask mail fetch`` (IMAP; SSL on port 993 unless told otherwise)
        self.MAIL_IMAP_HOST = os.environ.get("MAIL_IMAP_HOST", "")
        self.MAIL_IMAP_SSL = _bool("MAIL_IMAP_SSL", True)
        self.MAIL_IMAP_PORT = int(os.environ.get("MAIL_IMAP_PORT", "993" if self.MAIL_IMAP_SSL else "143"))
        self.MAIL_IMAP_USER = os.environ.get("MAIL_IMAP_USER", "")
        self.MAIL_IMAP_PASSWORD = os.environ.get("MAIL_IMAP_PASSWORD", "")
        self.MAIL_IMAP_FOLDER = os.environ.get("MAIL_IMAP_FOLDER", "INBOX")
        self.MAIL_IMAP_TIMEOUT = float(os.environ.get("MAIL_IMAP_TIMEOUT", "30"))
        self.MAIL_IMAP_POLL_SECONDS = float(os.environ.get("MAIL_IMAP_POLL_SECONDS", "60"))
        #: /readyz fails when a due e-mail has waited this long unsent (nobody is sending the outbox)
        self.READY_OUTBOX_MAX_AGE_MINUTES = int(os.environ.get("READY_OUTBOX_MAX_AGE_MINUTES", "15"))
        # The portal's own log lines: one JSON object each in production (for log collection), text otherwise
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if self.is_production else "text").strip().lower()
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
        # /metrics (Prometheus): from these addresses or networks, or with this bearer token
        self.METRICS_ALLOWED_IPS = _list("METRICS_ALLOWED_IPS") or ["127.0.0.1", "::1"]
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
        # Public pages kept rendered until the content changes: in Redis (shared by every worker and
        # web node) when PAGE_CACHE_REDIS_URL is set, else in each worker's memory
        # (off by default under `flask run --debug`, where templates change as they are edited)
        self.PAGE_CACHE = _bool("PAGE_CACHE", not _bool("FLASK_DEBUG"))
        self.PAGE_CACHE_REDIS_URL = os.environ.get("PAGE_CACHE_REDIS_URL", "")
        self.PAGE_CACHE_PREFIX = os.environ.get("PAGE_CACHE_PREFIX", "invest-portal:pages:")
        self.PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
        self.PAGE_CACHE_MAX_MB = int(os.environ.get("PAGE_CACHE_MAX_MB", "64"))
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = clock.VIETNAM_TIME_ZONE
        self.BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")

    @property
    def is_production(self) -> bool:
        return self.ENV_NAME == "production"

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in dir(self) if key.isupper()}


def check_production_settings(settings: dict) -> None:
    """Refuse to serve production traffic with a secret anyone can read in the source, without the
    public HTTPS address every link in an e-mail is built on, or with limits that each worker would
    count on its own (a fraction of the attempts would be stopped)."""
    if settings.get("ENV_NAME") != "production":
        return
    if settings.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise RuntimeError("SECRET_KEY must be set to a long random value when PORTAL_ENV=production")
    base = urlsplit(settings.get("PORTAL_BASE_URL") or "")
    if base.scheme != "https" or not base.hostname:
        raise RuntimeError("PORTAL_BASE_URL must be the portal's public https:// address when PORTAL_ENV=production")
    if str(settings.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        raise RuntimeError("RATELIMIT_STORAGE_URI must name a shared store (e.g. redis://127.0.0.1:6379) "
                           "when PORTAL_ENV=production: with memory:// each worker counts on its own")
