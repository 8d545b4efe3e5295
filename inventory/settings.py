"""Settings owned by the inventory app (Windows 11 readiness), read from the environment."""
