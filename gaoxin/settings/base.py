"""Settings shared by every environment. Environment variables are read through `env.py` only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from gaoxin.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "gaoxin"

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "gaoxin.core",
    "gaoxin.accounts",
    "gaoxin.registry",
    "gaoxin.indicators",
    "gaoxin.notifications",
    "gaoxin.reporting",
    "gaoxin.workcalendar",
    "gaoxin.rules",
    "gaoxin.service",
    "gaoxin.policy",
    "gaoxin.briefings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gaoxin.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gaoxin.accounts.middleware.PasswordChangeRequiredMiddleware",
    "gaoxin.core.middleware.DomainErrorMiddleware",
    # Axes must be last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gaoxin.urls"
WSGI_APPLICATION = "gaoxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gaoxin.core.context_processors.platform",
                "gaoxin.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while pages read; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gaoxin.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request (等保 2.0 asks for an idle timeout) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# Lockout: 5 failed logins for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 30 * 1024 * 1024)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@gaoxin.local")
# The address links in e-mails point to (the platform as users reach it).
PLATFORM_BASE_URL = env_str("PLATFORM_BASE_URL", "http://127.0.0.1:8000")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50

# Platform settings an operator may change.
QUALIFICATION_EXPIRY_WARNING_DAYS = env_int("QUALIFICATION_EXPIRY_WARNING_DAYS", 183)
REGISTRY_PAGE_SIZE = 25
#: The cockpit's KPI cards (indicator codes) and how many 百分点 below plan a card turns yellow rather than red.
COCKPIT_INDICATORS = env_list(
    "COCKPIT_INDICATORS",
    [
        "output_value",
        "value_added",
        "revenue",
        "industrial_investment",
        "tech_upgrade_investment",
        "tax",
        "electricity",
        "energy_intensity",
    ],
)
MONITORING_WARNING_POINTS = env_int("MONITORING_WARNING_POINTS", 5)
#: Monthly reporting rounds (填报): the default deadline (this day of the month after the period), the month-on-month
#: change (in %) beyond which a figure needs a written explanation, and how many days before the deadline the
#: enterprises that have not reported are reminded.
REPORTING_DEADLINE_DAY = env_int("REPORTING_DEADLINE_DAY", 5)
REPORTING_JUMP_THRESHOLD = env_int("REPORTING_JUMP_THRESHOLD", 30)
REPORTING_REMINDER_DAYS = [int(d) for d in env_list("REPORTING_REMINDER_DAYS", ["3", "1"])]
#: Enterprise service (企业服务): the service centre's department code (it triages, answers 马上办 and reviews replies);
#: the "124" rule — respond within 1 working hour, 咨询 in 2 working days, other appeals in 4; a misrouted item may be
#: returned within 2 working days; office hours for the hour limit; reminders this many working days before a due
#: date; unrated replies closed after this many working days; the largest attachment.
SERVICE_CENTRE_DEPARTMENT = env_str("SERVICE_CENTRE_DEPARTMENT", "QYFW")
SERVICE_RESPONSE_HOURS = env_int("SERVICE_RESPONSE_HOURS", 1)
SERVICE_CONSULTATION_DAYS = env_int("SERVICE_CONSULTATION_DAYS", 2)
SERVICE_APPEAL_DAYS = env_int("SERVICE_APPEAL_DAYS", 4)
SERVICE_RETURN_DAYS = env_int("SERVICE_RETURN_DAYS", 2)
SERVICE_EXTENSION_MAX_DAYS = env_int("SERVICE_EXTENSION_MAX_DAYS", 10)
SERVICE_OFFICE_HOURS = env_str("SERVICE_OFFICE_HOURS", "09:00-12:00,14:00-18:00")
SERVICE_REMINDER_WORKDAYS = [int(d) for d in env_list("SERVICE_REMINDER_WORKDAYS", ["1"])]
SERVICE_AUTO_CLOSE_DAYS = env_int("SERVICE_AUTO_CLOSE_DAYS", 5)
SERVICE_ATTACHMENT_MAX_BYTES = env_int("SERVICE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
#: Commissioners (挂点服务): each assigned enterprise should be visited at least this often (days).
SERVICE_VISIT_INTERVAL_DAYS = env_int("SERVICE_VISIT_INTERVAL_DAYS", 30)

# --- policy cashing (政策兑现, docs/policy.md) ---
POLICY_NOTICE_DAYS = env_int("POLICY_NOTICE_DAYS", 7)
POLICY_NOTICE_CONTACT = env_str(
    "POLICY_NOTICE_CONTACT", "公示期内如有异议，请以书面形式署名并留下联系方式，向管委会科技产业局反映"
)
POLICY_OFFER_DAYS = env_int("POLICY_OFFER_DAYS", 10)
POLICY_OFFER_REMINDER_WORKDAYS = [int(d) for d in env_list("POLICY_OFFER_REMINDER_WORKDAYS", ["3", "1"])]
POLICY_PAYMENT_PROMISE_DAYS = env_int("POLICY_PAYMENT_PROMISE_DAYS", 60)
POLICY_ATTACHMENT_MAX_BYTES = env_int("POLICY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
POLICY_SMS_BACKEND = env_str("POLICY_SMS_BACKEND", "gaoxin.policy.sms.ConsoleBackend")
POLICY_SMS_FILE = env_str("POLICY_SMS_FILE", str(BASE_DIR / "var" / "sms.jsonl"))
POLICY_SMS_SIGNATURE = env_str("POLICY_SMS_SIGNATURE", "高新区管委会")

# --- briefings (简报与报表, docs/briefings.md) ---
#: The economic briefing: how many 主导产业 and dragging enterprises it names; the GB/T 4754 section letters of
#: the 规上 service sector (第三产业) and of 软件和信息技术服务业; the scheduled jobs (`manage.py briefing_jobs`,
#: daily): the weekly 研判 on this ISO weekday (1 = Monday) or later in the week, the monthly briefing of last month
#: from this day of the month; the CJK fonts of the Word and PDF exports, first installed one wins (fc-list).
BRIEFING_TOP_INDUSTRIES = env_int("BRIEFING_TOP_INDUSTRIES", 3)
BRIEFING_DRAG_LIMIT = env_int("BRIEFING_DRAG_LIMIT", 3)
BRIEFING_SERVICE_SECTIONS = env_list(
    "BRIEFING_SERVICE_SECTIONS", ["F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"]
)
BRIEFING_SOFTWARE_SECTIONS = env_list("BRIEFING_SOFTWARE_SECTIONS", ["I"])
BRIEFING_WEEKLY_WEEKDAY = env_int("BRIEFING_WEEKLY_WEEKDAY", 1)
BRIEFING_MONTHLY_DAY = env_int("BRIEFING_MONTHLY_DAY", 10)
BRIEFING_FONTS = {
    "body": env_list("BRIEFING_BODY_FONTS", ["FangSong", "仿宋", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC",
                                             "WenQuanYi Micro Hei"]),
    "title": env_list("BRIEFING_TITLE_FONTS", ["方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体",
                                               "Noto Serif CJK SC", "WenQuanYi Micro Hei"]),
    "heading": env_list("BRIEFING_HEADING_FONTS", ["SimHei", "黑体", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]),
    "subheading": env_list("BRIEFING_SUBHEADING_FONTS", ["KaiTi", "楷体", "楷体_GB2312", "STKaiti",
                                                         "Noto Serif CJK SC", "WenQuanYi Micro Hei"]),
}  # fmt: skip


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
