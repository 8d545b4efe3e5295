"""Human-readable log lines (LOG_FORMAT=plain, the default) that a caller cannot forge.

A message carries what callers sent (a request's path, a search), so a `%0A` in a URL would start a new, real-looking
log line and a `%00` would write a NUL byte. Control characters in the message are written as escapes (`\\n`,
`\\x00`); tracebacks keep their lines.
"""
import logging
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """`'a\\nb\\x00'` -> `'a\\\\nb\\\\x00'`: one line, every control character visible."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                                             else f"\\u{ord(m.group()):04x}"), text)


class PlainFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)
