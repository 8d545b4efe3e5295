"""Log lines as JSON objects, one a line (LOG_FORMAT=json), for a log shipper to index.

Each carries time, level, logger, message, the process id, the request id (`-` outside a request), the ids of
the background work in progress (`task_id`, `task`, `job_id`, `batch_id`, see esinv.request_context) and what a
caller passed in `extra=` (method, path, status, duration_ms ...); a traceback goes in `exception`.
"""
import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has: not copied as extra fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "log_context",
                                                                         "request_id"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "pid": record.process,
        }
        entry.update(getattr(record, "log_context", None) or {})
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
