"""Notification delivery knobs (README: Notifications)."""
from esinv.env import env_float, env_int, env_str

# Attempts per delivery (the first included); between them the wait doubles from the base, up to the cap.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_BACKOFF_SECONDS = env_float("NOTIFY_BACKOFF_SECONDS", 30)
NOTIFY_BACKOFF_MAX_SECONDS = env_float("NOTIFY_BACKOFF_MAX_SECONDS", 3600)
NOTIFY_TIMEOUT_SECONDS = env_float("NOTIFY_TIMEOUT_SECONDS", 10)
# The daily e-mail digest's UTC time when its schedule is first created (then edit it in the admin).
NOTIFY_DIGEST_TIME = env_str("NOTIFY_DIGEST_TIME", "07:00")
# Absolute address of the hub for links in e-mails (default: https:// and the first ALLOWED_HOSTS name).
ESINV_BASE_URL = env_str("ESINV_BASE_URL", "")
