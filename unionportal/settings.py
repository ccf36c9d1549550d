"""Settings of the union portal, read from the environment (twelve-factor).

With nothing set the portal runs for development: SQLite, eager Celery, a local-memory cache and
e-mail printed to the console. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
``DEBUG=0`` turns on every production safeguard; ``manage.py check --deploy`` then passes.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# The development key is only ever used with DEBUG on; production refuses to start without one.
_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else environ.Env.NOTSET)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "treebeard",
    "django_celery_beat",
    "import_export",
    "accounts",
    "unions",
    "members",
    "cadres",
    "integrity",
    "campaigns",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "unionportal.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "unionportal.middleware.RateLimitedMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unions.context_processors.navigation",
            ],
        },
    },
]


# --- Keys for personal data at rest (members/pii.py) ------------------------------------------------
def _development_secrets() -> dict[str, str]:
    """Keys made on a developer's first run and kept out of git; production must set its own."""
    import json

    from cryptography.fernet import Fernet

    path = BASE_DIR / ".dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    import secrets

    made = {"FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(), "ID_HASH_KEY": secrets.token_urlsafe(48)}
    path.write_text(json.dumps(made))
    path.chmod(0o600)
    return made


if DEBUG and not (env.str("FIELD_ENCRYPTION_KEY", default="") and env.str("ID_HASH_KEY", default="")):
    _dev = _development_secrets()
    FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default=_dev["FIELD_ENCRYPTION_KEY"])
    ID_HASH_KEY = env.str("ID_HASH_KEY", default=_dev["ID_HASH_KEY"])
else:
    FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY")
    ID_HASH_KEY = env.str("ID_HASH_KEY")

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sign-in ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Idle sessions end after 30 minutes: every request renews the cookie's age.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth's messages ("signed in as …") name the person, not the username it made up ("user9").
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"username", "email", "phone"}
# Sign-up is for workers: a mainland mobile number (verified by an SMS code) and a password. The
# phone is optional to allauth and required by our sign-up form: allauth refuses to sign in anyone
# without a phone when it is "required", and staff accounts have none. That makes allauth warn that
# no login method is required at sign-up (account.W001), which is therefore silenced.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1*", "password2*"]
ACCOUNT_FORMS = {"login": "accounts.forms.PortalLoginForm", "signup": "accounts.forms.WorkerSignupForm"}
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# Six digits, as every Chinese SMS code is: phones offer them for autofill and a number pad.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "dashed": False, "length": 6}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_USERNAME_BLACKLIST = ["admin", "root", "system"]
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one account within 15 minutes lock it, whatever the IP.
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="20/m/ip,5/15m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "verify_phone": "1/30s/key,3/m/ip",
}
# The portal's own throttles (accounts.throttle), in the same notation: "/user" counts per account,
# "/ip" per client IP. Past a limit the request gets the 429 page and nothing is done.
THROTTLE_RATES = {
    # Posting an application or its correction (each looks an ID number up).
    "join": env.str("THROTTLE_JOIN", default="10/m/user,30/h/user,30/m/ip"),
    # The union search on the join and transfer pages (search-as-you-type, one request per pause).
    "union_search": env.str("THROTTLE_UNION_SEARCH", default="60/m/user,300/m/ip"),
    # The public page a member card's QR code opens.
    "card_check": env.str("THROTTLE_CARD_CHECK", default="30/m/ip,300/h/ip"),
    # The public pages of competitions: a prize certificate's check (its QR code) and the published results.
    "certificate_check": env.str("THROTTLE_CERTIFICATE_CHECK", default="30/m/ip,300/h/ip"),
    "competition_results": env.str("THROTTLE_COMPETITION_RESULTS", default="60/m/ip,600/h/ip"),
    # The public pages of honours: the public notice (公示), the objection form's SMS code (per IP here,
    # per mobile in campaigns.services.objections), posting an objection, an honour certificate's check.
    "notice_public": env.str("THROTTLE_NOTICE_PUBLIC", default="60/m/ip,600/h/ip"),
    "objection_code": env.str("THROTTLE_OBJECTION_CODE", default="3/m/ip,10/h/ip"),
    "objection_code_mobile": env.str("THROTTLE_OBJECTION_CODE_MOBILE", default="1/m/key,5/d/key"),
    "objection_submit": env.str("THROTTLE_OBJECTION_SUBMIT", default="5/m/ip,20/h/ip"),
    "honour_check": env.str("THROTTLE_HONOUR_CHECK", default="30/m/ip,300/h/ip"),
    # A cadre's QR check-in to a training class (a room full of phones scanning at once, behind one IP).
    "cadre_check_in": env.str("THROTTLE_CADRE_CHECK_IN", default="20/m/user,120/m/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted at rest with the personal-data key.
MFA_ADAPTER = "accounts.mfa_adapter.PortalMFAAdapter"
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="工会服务平台")
# Roles that see personal or discipline data must sign in with a second factor (SECURITY.md).
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)

# A first authenticator is set up only through an e-mailed link (accounts.MfaEnrolmentLink), valid this long.
MFA_ENROLMENT_LINK_HOURS = env.int("MFA_ENROLMENT_LINK_HOURS", default=72)

# The development backend writes every message, verification codes included, to the log: production
# must name the backend of a real SMS gateway, or it does not start.
_SMS_LOGGING_BACKEND = "accounts.sms.LoggingBackend"
SMS_BACKEND = env.str("SMS_BACKEND", default=_SMS_LOGGING_BACKEND if DEBUG else environ.Env.NOTSET)
if not DEBUG and SMS_BACKEND == _SMS_LOGGING_BACKEND:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SMS_BACKEND is {_SMS_LOGGING_BACKEND}, which writes verification codes to the log: "
        "with DEBUG=0 set SMS_BACKEND to the class that sends through your SMS gateway."
    )

# --- Language ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: the portal's own, and vendor assets from node_modules (never a CDN) ---------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
]
STATICFILES_FINDERS = [
    "unionportal.staticfiles.PortalFileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

FILTERS_EMPTY_CHOICE_LABEL = _("All")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The portal's public address, for links in e-mail, SMS and the e-card's QR code. `make run` sets it
# to the address it serves (HOST, PORT); the default is runserver's own.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="工会服务平台 <noreply@localhost>")

# --- Background work --------------------------------------------------------------------------
# Without Redis every task runs at once in the calling process, so `make run` needs nothing else.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it has finished, and given back when its worker dies, so nothing is
# lost; tasks are therefore written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Redis gives an unacknowledged task to another worker after this long: no ETA, countdown or retry
# delay may come near it, or the task would run twice while still waiting (a test checks this).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_MAX_RETRY_DELAY = 600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Reminders (members.reminders): days before an undecided application or a waiting transfer is raised.
REMINDER_APPLICATION_DAYS = env.int("REMINDER_APPLICATION_DAYS", default=3)
REMINDER_ESCALATION_DAYS = env.int("REMINDER_ESCALATION_DAYS", default=7)
REMINDER_TRANSFER_DAYS = env.int("REMINDER_TRANSFER_DAYS", default=5)
# Generated report files are deleted this many days after they are built; a PDF build stops after this long.
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=30)
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=240)
# A leader's dashboard of a grassroots or joint union hides counts from 1 up to this (reports.small_counts).
DASHBOARD_SMALL_COUNT = env.int("DASHBOARD_SMALL_COUNT", default=3)

# --- Rosters in and out -----------------------------------------------------------------------
# An upload larger than this, or with more data rows, is refused with a message before any work.
ROSTER_IMPORT_MAX_BYTES = env.int("ROSTER_IMPORT_MAX_BYTES", default=30 * 1024 * 1024)
ROSTER_IMPORT_MAX_ROWS = env.int("ROSTER_IMPORT_MAX_ROWS", default=200_000)
# An XLSX is a zip: refused before unpacking when it holds more entries than this, unpacks to more
# than this many bytes, or unpacks to more than this many times its own size (a "zip bomb").
ROSTER_XLSX_MAX_ENTRIES = env.int("ROSTER_XLSX_MAX_ENTRIES", default=2_000)
ROSTER_XLSX_MAX_UNPACKED_BYTES = env.int("ROSTER_XLSX_MAX_UNPACKED_BYTES", default=400 * 1024 * 1024)
ROSTER_XLSX_MAX_RATIO = env.int("ROSTER_XLSX_MAX_RATIO", default=100)
# Exports up to this many rows download at once; larger ones are built as a job.
ROSTER_EXPORT_SYNC_MAX_ROWS = env.int("ROSTER_EXPORT_SYNC_MAX_ROWS", default=20_000)
# Full ID numbers one user may reveal on member pages in any hour (each reveal is audited).
MEMBER_ID_REVEALS_PER_HOUR = env.int("MEMBER_ID_REVEALS_PER_HOUR", default=30)
# Uploaded rosters and built exports are deleted after this many days (the import record stays).
ROSTER_FILE_RETENTION_DAYS = env.int("ROSTER_FILE_RETENTION_DAYS", default=30)

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# How many proxies of ours stand in front of the portal, each appending the address it saw to
# X-Forwarded-For. The client IP of the audit trail, the throttles and allauth's sign-in limits is the
# entry that many places from the end (accounts.audit.client_ip); with 0 the header is ignored, since
# anyone can write it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Everything is served by the portal itself; htmx's inline indicator style is switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF ("Step 2 - Fetching and parsing CSS") at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Union tree pages list this many children per page.
UNION_CHILDREN_PER_PAGE = 50
AUDIT_PER_PAGE = 50
