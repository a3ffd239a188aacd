"""Atlas fixtures: the default referential (installed by migrate), actions in a few states, a fitted classifier
shared by the tests that do not measure it (fitting takes seconds)."""

from __future__ import annotations

import datetime as dt

import pytest

from territoria.atlas import actions, classify, proposals, referentials
from territoria.atlas.models import Action, Referential

_SHARED: dict[int, classify.Classifier] = {}


@pytest.fixture(autouse=True)
def _refit_inline(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.TASKS_IMMEDIATE = True
    settings.DATA_DIR = tmp_path  # fitted classifiers are kept there
    proposals.forget()
    yield
    proposals.forget()


@pytest.fixture
def referential(db) -> Referential:  # type: ignore[no-untyped-def]
    found = referentials.current(referentials.DEFAULT_SLUG)
    assert found is not None, "the default referential is installed after migrate"
    return found


@pytest.fixture
def shared_classifier(referential, monkeypatch):  # type: ignore[no-untyped-def]
    """The default referential's classifier fitted once for the session (no confirmed actions)."""
    key = referential.items.count()
    if key not in _SHARED:
        _SHARED[key] = classify.Classifier(proposals.elements(referential))
    monkeypatch.setattr(proposals, "classifier", lambda _ref: _SHARED[key])
    return _SHARED[key]


def make_action(
    referential: Referential,
    *,
    state: str = Action.State.PUBLISHED,
    enjeu: str = "E15",
    services: tuple[str, ...] = ("S122",),
    propose: bool = False,
    **fields,
) -> Action:  # type: ignore[no-untyped-def]
    defaults = {
        "title": "Ouverture d'un espace public numérique",
        "summary": "Un espace avec dix ordinateurs et un animateur pour accompagner les habitants.",
        "collectivite": "Ville de Rennes",
        "insee": "35238",
        "start_date": dt.date(2022, 3, 1),
        "status": Action.Status.DONE,
    }
    defaults.update(fields)
    action = Action(referential=referential, state=state, **defaults)
    actions.save(action, propose=propose)
    if enjeu or services:
        proposals.confirm(action, [enjeu] if enjeu else [], list(services))
        actions.save(action, propose=False)
    return action


@pytest.fixture
def action_factory(referential):  # type: ignore[no-untyped-def]
    return lambda **fields: make_action(referential, **fields)
