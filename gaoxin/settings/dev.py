"""`make run`: debug on, a fixed local secret, console e-mail."""

from gaoxin.settings.base import *  # noqa: F403
from gaoxin.settings.env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-secret-key-not-for-production-8c1f0e6b")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
