"""Settings owned by the inventory app (Windows 11 readiness), read from the environment."""
from esinv.env import env_int, env_list

# NinjaOne node classes the Windows 11 assessment covers.
ESINV_WIN11_NODE_CLASSES = env_list("ESINV_WIN11_NODE_CLASSES", ["WINDOWS_WORKSTATION"])
# A run still marked running after this many minutes is taken as dead (its
# process crashed) and no longer blocks a new run.
ESINV_WIN11_RUN_STALE_MINUTES = env_int("ESINV_WIN11_RUN_STALE_MINUTES", 15)
