"""Prometheus metrics: request counts and latencies (`requests`), the hub's own gauges computed from the database
at scrape time (`hub`), and the guarded `GET /metrics` view (`views`)."""
