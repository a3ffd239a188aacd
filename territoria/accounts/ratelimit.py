"""A small fixed-window rate limit for the API, the sign-in and password-reset forms.

Counters live in Django's cache (Redis when ``TERRITORIA_REDIS_URL`` is set; each process's memory in
development), or, when ``settings.RATE_LIMIT_FOLDER`` is set (production without Redis), in files shared by
the server's processes (``lib/counters.py``: one appended byte per hit, no rewrite, never under-counted).

``parse_rate`` has no Django import so that settings.py can use it to check TERRITORIA_LOGIN_RATE_LIMIT.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from territoria.lib.counters import FileCounters

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
OFF = {"off", "0", "non", "no", "false"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """``"20/m"`` → Rate(20, 60); ``"100/5m"`` → Rate(100, 300); ``"off"`` or ``"0"`` → None (no limit)."""
    if text.strip().lower() in OFF:
        return None
    match = RATE.match(text.lower())
    if match is None:
        raise ValueError(f"{text!r}: expected N/PERIOD, e.g. 20/m, 100/h, 50/5m (s, m, h, d) or off")
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    if count < 1 or multiple < 1:
        raise ValueError(f"{text!r}: the count and the period must be at least 1")
    return Rate(count, multiple * PERIODS[unit])


def hit(scope: str, key: str, rate: Rate | None) -> int | None:
    """Count one request of ``key`` in ``scope``; return the seconds to wait when over ``rate``, else None."""
    if rate is None:
        return None
    from django.conf import settings

    now = int(time.time())
    window = now // rate.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    folder = getattr(settings, "RATE_LIMIT_FOLDER", "")
    if folder:
        count = FileCounters(folder).hit(f"{scope}-{rate.seconds}", digest, window)
    else:
        count = _cache_hit(f"territoria:ratelimit:{scope}:{digest}:{window}", rate)
    if count > rate.count:
        return max(1, (window + 1) * rate.seconds - now)
    return None


def _cache_hit(cache_key: str, rate: Rate) -> int:
    from django.core.cache import cache

    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    return int(count)
