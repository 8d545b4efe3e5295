"""Settings owned by the variances app, read from the environment (imported by esinv.settings)."""
from esinv.env import env_bool, env_int, env_str

# One switch per variance rule (docs/domain.md, "Exceptions and their lifecycle"). A rule switched off
# reports nothing; its open exceptions auto-resolve on the next run.
ESINV_RULE_MISSING_NINJA = env_bool("ESINV_RULE_MISSING_NINJA", True)
ESINV_RULE_MISSING_THREATLOCKER = env_bool("ESINV_RULE_MISSING_THREATLOCKER", True)
ESINV_RULE_DUPLICATE_TL = env_bool("ESINV_RULE_DUPLICATE_TL", True)
ESINV_RULE_DUPLICATE_NINJA = env_bool("ESINV_RULE_DUPLICATE_NINJA", True)
ESINV_RULE_SPARE_MISMATCH = env_bool("ESINV_RULE_SPARE_MISMATCH", True)
ESINV_RULE_DISPLAY_NAME_MISMATCH = env_bool("ESINV_RULE_DISPLAY_NAME_MISMATCH", True)
ESINV_RULE_SITE_MISMATCH = env_bool("ESINV_RULE_SITE_MISMATCH", True)

# Default window of /api/variances/trends when no start_date is given, and the
# longest range it accepts.
ESINV_TRENDS_DEFAULT_DAYS = env_int("ESINV_TRENDS_DEFAULT_DAYS", 30)
ESINV_TRENDS_MAX_DAYS = env_int("ESINV_TRENDS_MAX_DAYS", 400)
# Rows per page of the triage list (/variances/).
ESINV_TRIAGE_PAGE_SIZE = env_int("ESINV_TRIAGE_PAGE_SIZE", 50)
# Most exceptions one bulk-update request may change.
ESINV_BULK_UPDATE_MAX = env_int("ESINV_BULK_UPDATE_MAX", 10000)

# Finished export files (VAR_DIR/exports) are removed after this many days; the job then answers 410.
VARIANCES_EXPORT_KEEP_DAYS = env_int("VARIANCES_EXPORT_KEEP_DAYS", 7)

# The MSP's name, printed on every page of the PDF exports (the client-ready report says who prepared it).
ESINV_MSP_NAME = env_str("ESINV_MSP_NAME", "Your MSP")
