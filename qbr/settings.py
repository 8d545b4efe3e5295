"""Settings owned by the qbr app, read from the environment (imported by esinv.settings)."""
