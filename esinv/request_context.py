"""The current request id, for log lines (no Django imports: logging loads it early)."""
import logging
import threading

_local = threading.local()


def set_request_id(value: str) -> None:
    _local.request_id = value


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


class RequestIDLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True
