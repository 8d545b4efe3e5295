"""Settings owned by the collectors app, read from the environment (imported by esinv.settings)."""
