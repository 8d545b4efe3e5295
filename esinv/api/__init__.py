"""The project's own endpoints (health, `/api/status`): the top layer, composed from every app's reads."""
