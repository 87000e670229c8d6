"""The test suite: fast hashing, immediate tasks, in-memory e-mail. DATABASE_URL selects SQLite or PostgreSQL."""

from gaoxin.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-only-for-the-suite-2f7d1c"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ALLOWED_HOSTS = ["*"]
# The live server of the browser tests serves static files straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
