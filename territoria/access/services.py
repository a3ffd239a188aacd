"""Public face of the access policy (see policy.py)."""

from territoria.access.grants import GrantRefused, can_share, find_person, give, grants_of, groups_for, take_back
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
    "GrantRefused",
    "can_share",
    "find_person",
    "give",
    "grants_of",
    "groups_for",
    "take_back",
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
