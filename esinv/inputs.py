"""What the database accepts from a caller's text: one rule for URL paths, query strings, forms and JSON bodies.

PostgreSQL refuses a NUL character in any text value (psycopg2 raises before the query runs), no UTF-8
encoder accepts a lone UTF-16 surrogate (JSON's ``"\\ud800"`` decodes to one), and text far longer than
any column only costs work. So every string a caller sends is checked once, before any view sees it:

- the URL path and the query string by `esinv.middleware.InputCheckMiddleware` (with form bodies; a query
  string that is not valid UTF-8 is refused too, rather than silently read as U+FFFD),
- JSON bodies by `esinv.parsers.JSONParser`, which walks every key and string value.

A refusal is a 400 naming the parameter: JSON (``invalid_parameter``) under /api/, a page elsewhere.
"""
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from django.conf import settings

from esinv.errors import BadRequest

_SURROGATES = range(0xD800, 0xE000)


def max_param_length() -> int:
    """Longest query-string value or path accepted (ESINV_MAX_PARAM_LENGTH)."""
    return settings.ESINV_MAX_PARAM_LENGTH


def max_text_length() -> int:
    """Longest string accepted in a form or JSON body (ESINV_MAX_TEXT_LENGTH)."""
    return settings.ESINV_MAX_TEXT_LENGTH


def shown(name: str, limit: int = 60) -> str:
    """A parameter name fit for a message: control characters escaped, cut short."""
    text = "".join(
        char if char.isprintable() and ord(char) not in _SURROGATES else char.encode(
            "unicode_escape").decode("ascii")
        for char in name
    )
    return text if len(text) <= limit else text[:limit] + "..."


def database_refuses(value: str) -> bool:
    """NUL or a lone surrogate: text no PostgreSQL column (nor UTF-8) can hold, whatever its length."""
    return text_problem(value, max_length=len(value)) is not None


def text_problem(value: str, max_length: int) -> tuple[str, str] | None:
    """(reason, what is wrong) when the database would refuse or choke on `value`, else None."""
    if "\x00" in value:
        return "nul_character", "contains a NUL (\\x00) character"
    if any(ord(char) in _SURROGATES for char in value):
        return "lone_surrogate", "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode text"
    if len(value) > max_length:
        return "too_long", f"is {len(value)} characters long; at most {max_length} are accepted"
    return None


def refusal(field: str, location: str, reason: str, what: str, **details) -> BadRequest:
    label = shown(field)
    return BadRequest(f"{label} {what}.", code="invalid_parameter",
                      details={"field": label, "location": location, "reason": reason, **details})


def check_text(value: str, field: str, location: str, *, max_length: int | None = None) -> None:
    """Raise a 400 `BadRequest` naming `field` when `value` is not something the database accepts."""
    limit = max_length if max_length is not None else max_param_length()
    problem = text_problem(value, limit)
    if problem:
        reason, what = problem
        raise refusal(field, location, reason, what, **({"max_length": limit} if reason == "too_long" else {}))


MAX_NAME_LENGTH = 200


def check_name(name: str, location: str) -> None:
    """A parameter or JSON key name: the same rule (names longer than 200 characters are nobody's)."""
    check_text(name, name, location, max_length=MAX_NAME_LENGTH)


def check_raw_query(query_string: str | bytes, location: str = "query") -> None:
    """Every `name=value` pair of a raw query string (or url-encoded form body) must percent-decode to valid
    UTF-8.

    Django decodes a broken sequence (e.g. ``%ED%A0%80``, an encoded surrogate) to U+FFFD without a word;
    the caller is told instead.
    """
    if isinstance(query_string, bytes):
        raw = query_string
    else:
        raw = query_string.encode("latin-1", errors="replace")  # WSGI hands the bytes over as latin-1
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        for part, what in ((name, "name"), (value, "value")):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                label = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", errors="replace")
                raise refusal(label, location, "invalid_utf8",
                              f"is not valid UTF-8 (its percent-encoded {what} bytes do not decode)") from None


def check_path(path: str) -> None:
    """The decoded URL path: no NUL, not absurdly long. (Django re-quotes bytes that are not UTF-8 as
    literal ``%ED``-style text, which any database accepts.)"""
    check_text(path, "path", "path")


def check_pairs(pairs: Iterable[tuple[str, str]], location: str, *, max_length: int) -> None:
    for name, value in pairs:
        check_name(name, location)
        if isinstance(value, str):
            check_text(value, name, location, max_length=max_length)


def check_json(data, field: str = "", *, max_length: int | None = None) -> None:
    """Walk a decoded JSON document: every key and string value, named by its path (``metrics[0].notes``)."""
    limit = max_length if max_length is not None else max_text_length()
    stack = [(data, field)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            check_text(value, path or "body", "body", max_length=limit)
        elif isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                child = f"{path}.{key}" if path else key
                check_text(key, child, "body", max_length=MAX_NAME_LENGTH)
                stack.append((item, child))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
