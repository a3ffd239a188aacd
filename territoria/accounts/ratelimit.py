"""A small fixed-window rate limit on Django's cache, for the sign-in and password-reset forms.

``parse_rate`` has no Django import so that settings.py can use it to check TERRITORIA_LOGIN_RATE_LIMIT.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

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
    from django.core.cache import cache

    now = int(time.time())
    window = now // rate.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"territoria:ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1, (window + 1) * rate.seconds - now)
    return None
