"""Per-view widenings of the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY is the strict default)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt

View = Callable[..., Any]

# Vega compiles chart expressions with Function() and vega-embed adds a <style> element for its menu.
VEGA = {"script-src": ["'unsafe-eval'"], "style-src": ["'unsafe-inline'"]}


def draws_charts(view: View) -> View:
    """For pages that render Vega-Lite charts."""
    return csp_update(VEGA)(view)


def embeddable(view: View) -> View:
    """For embed pages: other sites (TERRITORIA_EMBED_ORIGINS) may show them in an iframe."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        response = view(*args, **kwargs)
        ancestors = " ".join(settings.EMBED_ORIGINS) or "'none'"
        response._csp_replace = {  # read by csp.middleware.CSPMiddleware
            **getattr(response, "_csp_replace", {}),
            "frame-ancestors": ancestors.split(),
        }
        return response

    return xframe_options_exempt(wrapped)
