"""Settings owned by the collectors app, read from the environment (imported by esinv.settings).

Secrets (client secret, API key) come only from the environment and are never
logged or put into job messages.
"""
from esinv.env import env_float, env_int, env_list, env_str

# --- NinjaOne (RMM) ---------------------------------------------------------
NINJA_BASE_URL = env_str("NINJA_BASE_URL", "https://app.ninjarmm.com")
NINJA_CLIENT_ID = env_str("NINJA_CLIENT_ID", "")
NINJA_CLIENT_SECRET = env_str("NINJA_CLIENT_SECRET", "")
NINJA_SCOPE = env_str("NINJA_SCOPE", "monitoring management")
# `/ws/oauth/token` is the documented path; some tenants use `/oauth/token`.
NINJA_TOKEN_PATH = env_str("NINJA_TOKEN_PATH", "/ws/oauth/token")
# `/v2` is the documented prefix; some deployments answer under `/api/v2`.
NINJA_API_PREFIX = env_str("NINJA_API_PREFIX", "/v2")
NINJA_PAGE_SIZE = env_int("NINJA_PAGE_SIZE", 1000)
# Re-reads of a listing in which a short page was not the last (NinjaOne reports no total).
NINJA_MAX_RESTARTS = env_int("NINJA_MAX_RESTARTS", 2)
# Renew the OAuth token this many seconds before it expires.
NINJA_TOKEN_RENEW_SECONDS = env_int("NINJA_TOKEN_RENEW_SECONDS", 60)
# Device custom fields filled by the MSP's scripts (TPM / Secure Boot).
NINJA_TPM_PRESENT_FIELD = env_str("NINJA_TPM_PRESENT_FIELD", "hastpm")
NINJA_TPM_ENABLED_FIELD = env_str("NINJA_TPM_ENABLED_FIELD", "tpmenabled")
NINJA_TPM_VERSION_FIELD = env_str("NINJA_TPM_VERSION_FIELD", "tpmversion")
NINJA_SECUREBOOT_AVAILABLE_FIELD = env_str("NINJA_SECUREBOOT_AVAILABLE_FIELD", "securebootavailable")
NINJA_SECUREBOOT_ENABLED_FIELD = env_str("NINJA_SECUREBOOT_ENABLED_FIELD", "securebootenabled")

# --- ThreatLocker (Portal API) ----------------------------------------------
THREATLOCKER_BASE_URL = env_str("THREATLOCKER_BASE_URL", "https://portalapi.g.threatlocker.com/portalapi/")
THREATLOCKER_API_KEY = env_str("THREATLOCKER_API_KEY", "")
THREATLOCKER_ORGANIZATION_ID = env_str("THREATLOCKER_ORGANIZATION_ID", "")
THREATLOCKER_PAGE_SIZE = env_int("THREATLOCKER_PAGE_SIZE", 1000)
# Restarts of the computer listing allowed when it changes while being paged.
THREATLOCKER_MAX_RESTARTS = env_int("THREATLOCKER_MAX_RESTARTS", 2)

# --- HTTP behaviour shared by the vendor clients ------------------------------
COLLECTORS_CONNECT_TIMEOUT = env_float("COLLECTORS_CONNECT_TIMEOUT", 10.0)
COLLECTORS_READ_TIMEOUT = env_float("COLLECTORS_READ_TIMEOUT", 120.0)
# Retries after the first attempt, for 429, 5xx, connection errors, timeouts and malformed JSON.
COLLECTORS_HTTP_RETRIES = env_int("COLLECTORS_HTTP_RETRIES", 4)
# Exponential backoff: base * 2**attempt seconds, at most the max.
COLLECTORS_BACKOFF_SECONDS = env_float("COLLECTORS_BACKOFF_SECONDS", 2.0)
COLLECTORS_BACKOFF_MAX_SECONDS = env_float("COLLECTORS_BACKOFF_MAX_SECONDS", 60.0)
# Longest Retry-After the clients honour (longer answers fail the call).
COLLECTORS_RETRY_AFTER_MAX_SECONDS = env_float("COLLECTORS_RETRY_AFTER_MAX_SECONDS", 300.0)

# --- Runs ---------------------------------------------------------------------
# Collectors a run request without a list (or with "both"/"all") starts.
COLLECTORS_DEFAULT = env_list("COLLECTORS_DEFAULT", ["ninja", "threatlocker"])
# A running job with no heartbeat for this long (minutes, fractions allowed) is stale and marked failed, and a
# batch run in-process (`manage.py collect`, a schedule) silent this long is released with its queued jobs.
# Jobs beat every COLLECTORS_HEARTBEAT_SECONDS while paging and every 5 s while waiting for a vendor.
COLLECTORS_STALE_MINUTES = env_float("COLLECTORS_STALE_MINUTES", 3.0)
# A job queued on django-q2 that no worker picked up for this long is marked failed.
COLLECTORS_QUEUED_STALE_MINUTES = env_int("COLLECTORS_QUEUED_STALE_MINUTES", 30)
# Least seconds between two heartbeat writes of a job while it pages.
COLLECTORS_HEARTBEAT_SECONDS = env_float("COLLECTORS_HEARTBEAT_SECONDS", 2.0)
# A vendor's day with more than this share (percent) fewer devices than its previous day is refused unless
# staff confirm the drop (collect --confirm-drop, confirm_drop in the run API, the admin action).
COLLECTORS_MAX_DROP_PERCENT = env_float("COLLECTORS_MAX_DROP_PERCENT", 20.0)
# Rows per INSERT batch when a day is written.
COLLECTORS_WRITE_BATCH_SIZE = env_int("COLLECTORS_WRITE_BATCH_SIZE", 2000)
# Daily collection schedule (UTC, HH:MM), created once; edit it in the admin afterwards.
COLLECTORS_DAILY_TIME = env_str("COLLECTORS_DAILY_TIME", "02:00")
# A scheduled run that finds another batch running waits this long for it.
COLLECTORS_SCHEDULE_WAIT_MINUTES = env_int("COLLECTORS_SCHEDULE_WAIT_MINUTES", 60)
# Windows 11 assessment runs this many minutes after a NinjaOne collection.
ESINV_WIN11_DELAY_MINUTES = env_int("ESINV_WIN11_DELAY_MINUTES", 45)
