"""Where the system Chromium is and how it is launched (shared by the browser tests and the screenshot command).

Debian's package (`apt-get install -y chromium chromium-driver`), never a browser download.
"""
import os
import shutil

CHROMIUM = os.environ.get("ESINV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 850}
PHONE = {"width": 390, "height": 844}


def unavailable_reason() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium chromium-driver)"
    return None
