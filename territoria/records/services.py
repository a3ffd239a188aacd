"""Finding the data a user may query: the access policy first, then the published version."""

from __future__ import annotations

from django.utils.translation import gettext as _

from territoria.access import services as access
from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.web.errors import Forbidden, NotFound


def visible_version(user: AnyUser, dataset_id: str) -> tuple[Dataset, Version]:
    """The dataset ``user`` may see and its published version; NotFound otherwise (same answer for hidden).

    The whole fiche is loaded (organisation, licence, themes, keywords, resources): pages show it.
    """
    return _checked(user, dataset_id, catalog.get_visible_dataset(user, dataset_id))


def data_version(user: AnyUser, dataset_id: str) -> tuple[Dataset, Version]:
    """``visible_version`` for the data APIs: the same answers, from one query loading only what they read."""
    return _checked(user, dataset_id, catalog.get_visible_dataset_for_data(user, dataset_id))


def _checked(user: AnyUser, dataset_id: str, dataset: Dataset | None) -> tuple[Dataset, Version]:
    if dataset is None:
        raise NotFound(_("Aucun jeu de données « %(id)s ».") % {"id": dataset_id[:100]}, parameter="dataset_id")
    if not access.can_read_data(user, dataset):
        raise Forbidden(
            _("Les données de ce jeu sont réservées aux personnes autorisées ; connectez-vous ou demandez l'accès."),
            parameter="dataset_id",
        )
    version = dataset.published_version
    if version is None:
        raise NotFound(_("Aucune donnée publiée pour ce jeu de données."), parameter="dataset_id")
    return dataset, version
