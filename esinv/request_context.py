"""The current request id, and the ids of the background work running, for log lines (no Django imports:
logging loads it early)."""
import logging
import threading
from contextlib import contextmanager

_local = threading.local()


def set_request_id(value: str) -> None:
    _local.request_id = value


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


def log_context() -> dict:
    """Ids of the background work in progress on this thread (task_id, job_id, batch_id ...)."""
    return dict(getattr(_local, "context", None) or {})


def bind_log_context(**fields) -> None:
    """Add ids to every following log line of this thread (until `clear_log_context`)."""
    _local.context = {**log_context(), **{key: value for key, value in fields.items() if value}}


def clear_log_context() -> None:
    _local.context = {}


@contextmanager
def logging_context(**fields):
    previous = log_context()
    bind_log_context(**fields)
    try:
        yield
    finally:
        _local.context = previous


class RequestIDLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        record.log_context = log_context()
        return True
