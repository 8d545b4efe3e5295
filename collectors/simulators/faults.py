"""Faults a simulator injects on demand.

| kind | effect on a matching request |
| --- | --- |
| `rate_limit` | 429 with `Retry-After: <retry_after>` (default 1) |
| `server_error` | 500 (or `status`) with the vendor's error body |
| `slow` | waits `seconds` (default 2) before answering normally |
| `truncate` | the normal body cut in half (malformed JSON) |
| `expire_token` | NinjaOne: every issued token expires now, so the call answers 401 |
| `unauthorized` | 401 whatever the credentials |
| `page_shift` | answers normally, then the listing changes: ThreatLocker gains a computer sorted |
|              | first, NinjaOne a device with a new highest id |
| `short_page` | a valid page cut to its first `rows` rows (default 10); ThreatLocker's `totalRows` |
|              | and `pagination` header still give the full total |
| `nul_bytes` | answers normally with a NUL byte inside every name-like string (`keys`, default |
|             | host, display, organization, OS, group, manufacturer and model names) |

Each fault applies to the next `count` matching requests (-1: all of them);
`path` (a case-insensitive substring) limits it to some calls.
"""
import threading
from dataclasses import dataclass, field

KINDS = ("rate_limit", "server_error", "slow", "truncate", "expire_token", "unauthorized", "page_shift", "short_page",
         "nul_bytes")


@dataclass
class Fault:
    kind: str
    count: int = 1
    path: str | None = None
    params: dict = field(default_factory=dict)
    hits: int = 0


class FaultPlan:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str, count: int = 1, path: str | None = None, **params) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
        fault = Fault(kind, int(count), path.lower() if path else None, params)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first fault matching this request, consuming one of its uses."""
        lowered = path.lower()
        with self._lock:
            for fault in self._faults:
                if fault.count == 0 or (fault.path and fault.path not in lowered):
                    continue
                if fault.count > 0:
                    fault.count -= 1
                fault.hits += 1
                return fault
        return None

    def clear(self):
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"kind": f.kind, "count": f.count, "path": f.path, "hits": f.hits, **f.params}
                    for f in self._faults if f.count != 0]
