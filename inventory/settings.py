"""Settings owned by the inventory app (Windows 11 readiness), read from the environment."""
from esinv.env import env_int, env_list, env_str

# NinjaOne node classes the Windows 11 assessment covers.
ESINV_WIN11_NODE_CLASSES = env_list("ESINV_WIN11_NODE_CLASSES", ["WINDOWS_WORKSTATION"])
# A run still marked running after this many minutes is taken as dead (its
# process crashed) and no longer blocks a new run.
ESINV_WIN11_RUN_STALE_MINUTES = env_int("ESINV_WIN11_RUN_STALE_MINUTES", 15)
# Windows 11 device lists (`/api/windows-11-24h2/incompatible` and the like): the largest `page_size` a caller
# may ask for (a whole MSP in one call), and the page size when it asks for none. The API contract's dashboard
# calls the lists without paging parameters and expects every device, hence the default of the maximum.
ESINV_WIN11_MAX_PAGE_SIZE = env_int("ESINV_WIN11_MAX_PAGE_SIZE", 10000)
ESINV_WIN11_PAGE_SIZE = env_int("ESINV_WIN11_PAGE_SIZE", ESINV_WIN11_MAX_PAGE_SIZE)

# Links to a device in its vendor's console (inventory/console_links.py): a URL with `{id}` for the vendor's
# device id; empty = no link. Unset, NinjaOne's is derived from NINJA_BASE_URL's host in esinv/settings.py
# (https://{instance}/#/deviceDashboard/{id}/overview). ThreatLocker documents no portal URL per computer.
ESINV_NINJA_CONSOLE_URL = env_str("ESINV_NINJA_CONSOLE_URL", None)
ESINV_THREATLOCKER_CONSOLE_URL = env_str("ESINV_THREATLOCKER_CONSOLE_URL", "")
