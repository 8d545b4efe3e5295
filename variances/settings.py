"""Settings owned by the variances app, read from the environment (imported by esinv.settings)."""
