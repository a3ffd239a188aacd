"""Public face of the access policy (see policy.py)."""

from territoria.access.policy import (
    Visibility,
    can_edit,
    can_view,
    editable_organisations,
    visible_filter,
)

__all__ = ["Visibility", "can_edit", "can_view", "editable_organisations", "visible_filter"]
