"""Rate limiting with the usual headers.

A fixed window per caller (API key, user or client address) counted in the
shared cache, so every worker process sees the same count. Every throttled
response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (seconds until the window resets); refusals answer 429
with `Retry-After`.
"""
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

_PERIODS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/min' -> (600, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().lower()]


class HubRateThrottle(BaseThrottle):
    def _identity(self, request) -> tuple[str, str]:
        if request.auth is not None and hasattr(request.auth, "key_hash"):
            return f"key:{request.auth.pk}", settings.ESINV_THROTTLE_RATE
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}", settings.ESINV_THROTTLE_RATE
        return f"ip:{self.get_ident(request)}", settings.ESINV_THROTTLE_ANON_RATE

    def allow_request(self, request, view):
        ident, rate = self._identity(request)
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        cache_key = f"throttle:{ident}:{window}"
        # add() is atomic: only the first request of a window creates the key.
        if cache.add(cache_key, 1, timeout=period + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr()
                cache.set(cache_key, 1, timeout=period + 1)
                count = 1
        reset = int((window + 1) * period - now) + 1
        self._wait = reset
        request._request.rate_limit = (limit, max(limit - count, 0), reset)
        return count <= limit

    def wait(self):
        return self._wait
