"""Every installation has the default referential: it is installed after ``migrate`` when none exists."""

from __future__ import annotations

from typing import Any


def install_default_referential(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from territoria.atlas.models import Referential
    from territoria.atlas.referentials import load_default

    if not Referential.objects.using(using).exists():
        load_default()
