"""Settings for the test suite: the production settings with test-only speedups."""
import os

os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")

from esinv.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ESINV_THROTTLE_RATE = "100000/min"
ESINV_THROTTLE_ANON_RATE = "100000/min"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
