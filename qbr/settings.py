"""Settings owned by the qbr app, read from the environment (imported by esinv.settings)."""
from esinv.env import env_bool, env_int, env_list, env_str

# --- Microsoft sign-in policy (the provider itself is configured in esinv/settings.py)
# Email domains allowed to sign in (e.g. "enersystems.com"). Empty: any domain,
# but only when MICROSOFT_TENANT names one tenant (fail closed for multi-tenant).
QBR_ALLOWED_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("QBR_ALLOWED_EMAIL_DOMAINS", [])]
# Group names: readers and editors of QBR data (created by a data migration).
QBR_READER_GROUP = env_str("QBR_READER_GROUP", "QBR")
QBR_EDITOR_GROUP = env_str("QBR_EDITOR_GROUP", "QBR editors")
# Where a browser lands after signing in when no safe `next` was given.
QBR_LOGIN_REDIRECT_URL = env_str("QBR_LOGIN_REDIRECT_URL", "/")

# --- Monthly collection schedule (django-q2) -----------------------------------
QBR_SCHEDULE_ENABLED = env_bool("QBR_SCHEDULE_ENABLED", True)
# Day of month and UTC hour the previous month is collected.
QBR_SCHEDULE_DAY = env_int("QBR_SCHEDULE_DAY", 1)
QBR_SCHEDULE_HOUR = env_int("QBR_SCHEDULE_HOUR", 6)

# --- ConnectWise Manage ticket metrics (fed by the collectors app) -------------
# Boards and statuses whose tickets count as reactive.
QBR_CW_REACTIVE_BOARDS = env_list("QBR_CW_REACTIVE_BOARDS", ["Help Desk"])
QBR_CW_REACTIVE_STATUSES = env_list("QBR_CW_REACTIVE_STATUSES", [])
# Working hours per technician per month in reactive_service_pct.
QBR_TECH_HOURS_PER_MONTH = env_int("QBR_TECH_HOURS_PER_MONTH", 167)
