"""Settings for the test suite: the production settings with test-only speedups."""
import os

os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")

from esinv.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ESINV_THROTTLE_RATE = "100000/min"
ESINV_THROTTLE_ANON_RATE = "100000/min"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests render pages without running collectstatic first: no manifest of hashed names.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# ... and WhiteNoise finds them where runserver would (no var/static to scan).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING["loggers"]["esinv.request"]["level"] = "WARNING"  # noqa: F405  (no line per test request)
