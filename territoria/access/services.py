"""Public face of the access policy (see policy.py)."""

from territoria.access.policy import (
    LISTED,
    Visibility,
    can_edit,
    can_manage,
    can_read_data,
    can_view,
    editable_organisations,
    managed_organisations,
    readable_filter,
    visible_filter,
)

__all__ = [
    "LISTED",
    "Visibility",
    "can_edit",
    "can_manage",
    "can_read_data",
    "can_view",
    "editable_organisations",
    "managed_organisations",
    "readable_filter",
    "visible_filter",
]
