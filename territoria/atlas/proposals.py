"""Classification proposals for actions: the fitted classifier of each referential version (kept per process and
refitted when moderators have confirmed more actions), proposals stored on the action, and confirmation."""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

from territoria.atlas.classify import Classifier, Element, Example, Proposal
from territoria.atlas.models import Action, Classification, Item, Referential

PROPOSED_SERVICES = 5
PROPOSED_ENJEUX = 3
EXAMPLES_PER_SERVICE = 25
_lock = threading.Lock()
_fitted: dict[int, tuple[tuple[int, int], Classifier]] = {}
_refitting: set[int] = set()
logger = logging.getLogger(__name__)


def _signature(referential: Referential) -> tuple[int, int]:
    """(version of the referential's confirmations, 0): one primary-key read, cheap on every proposal."""
    count = Referential.objects.filter(pk=referential.pk).values_list("confirmations", flat=True).first()
    return int(count or 0), 0


def elements(referential: Referential) -> list[Element]:
    return [
        Element(
            code=i.code,
            level=i.level,
            label=i.label,
            description=i.description,
            keywords=tuple(i.keyword_list()),
            parent=i.parent.code if i.parent else "",
        )
        for i in referential.items.select_related("parent").order_by("position")
    ]


def confirmed_examples(referential: Referential, per_service: int = EXAMPLES_PER_SERVICE) -> list[Example]:
    """The most recent confirmed actions, at most ``per_service`` per main service: enough to learn how people
    write, and a fit that stays a matter of seconds with 25,000 actions."""
    mains = (
        Classification.objects.filter(
            action__referential=referential, source=Classification.Source.CONFIRMED, level="service", rank=0
        )
        .order_by("-action_id")
        .values_list("action_id", "item_id")
    )
    kept: list[int] = []
    seen: dict[int, int] = {}
    for action_id, item_id in mains.iterator(chunk_size=5_000):
        if seen.get(item_id, 0) < per_service:
            seen[item_id] = seen.get(item_id, 0) + 1
            kept.append(action_id)
    rows = (
        Classification.objects.filter(action_id__in=kept, source=Classification.Source.CONFIRMED)
        .select_related("item")
        .order_by("action_id", "level", "rank")
    )
    by_action: dict[int, dict[str, list[str]]] = {}
    for c in rows:
        by_action.setdefault(c.action_id, {"enjeu": [], "service": []}).setdefault(c.level, []).append(c.item.code)
    full = {
        a.pk: a.text()
        for a in Action.objects.filter(pk__in=list(by_action)).only(
            "title", "summary", "description", "results", "tools"
        )
    }
    return [
        Example(text=full.get(pk, ""), enjeu=(codes["enjeu"] or [""])[0], services=tuple(codes["service"]))
        for pk, codes in by_action.items()
        if codes["service"] or codes["enjeu"]
    ]


def _stem(referential: Referential) -> str:
    """Names the referential version beyond its primary key (another database may reuse the key)."""
    return f"classifier-{referential.pk}-{int(referential.created.timestamp())}"


def _path(referential: Referential, signature: tuple[int, int]) -> Path:
    return Path(settings.DATA_DIR) / "atlas" / f"{_stem(referential)}-{signature[0]}-{signature[1]}.pickle"


def _load(referential: Referential, signature: tuple[int, int]) -> Classifier | None:
    """A model another process (the demo, a worker, another web process) fitted for the same signature."""
    path = _path(referential, signature)
    try:
        with path.open("rb") as handle:
            fitted = pickle.load(handle)  # noqa: S301 (written by this installation only, in its data folder)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return fitted if isinstance(fitted, Classifier) else None


def _save(referential: Referential, signature: tuple[int, int], fitted: Classifier) -> None:
    path = _path(referential, signature)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{_stem(referential)}-*.pickle"):
            old.unlink(missing_ok=True)
        temporary = path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump(fitted, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError:
        logger.warning("could not keep the atlas classifier in %s", path.parent)


def _refit(referential: Referential, signature: tuple[int, int]) -> Classifier:
    fitted = _load(referential, signature)
    if fitted is None:
        fitted = Classifier(elements(referential), confirmed_examples(referential))
        _save(referential, signature, fitted)
    with _lock:
        known = _fitted.get(referential.pk)
        if known is None or known[0] <= signature:
            _fitted[referential.pk] = (signature, fitted)
        _refitting.discard(referential.pk)
    return fitted


def classifier(referential: Referential) -> Classifier:
    """The classifier of ``referential``, fitted on its elements and its confirmed actions.

    Fitting takes seconds, so a request never waits for a refit when a model is already there: it is answered
    by the current model while a thread fits the next one with the newly confirmed actions (in tests and with
    TERRITORIA_TASKS_IMMEDIATE, the refit happens at once, so results are reproducible). Fitted models are kept
    in TERRITORIA_DATA_DIR/atlas, so the other processes (web workers, the demo command) load them instead of
    fitting again."""
    signature = _signature(referential)
    with _lock:
        known = _fitted.get(referential.pk)
        if known and known[0] == signature:
            return known[1]
        if known is None:
            stored = _latest_stored(referential)
            if stored is not None:
                known = stored
                _fitted[referential.pk] = stored
                if stored[0] == signature:
                    return stored[1]
        background = known is not None and not settings.TASKS_IMMEDIATE
        if background and referential.pk in _refitting:
            return known[1]  # type: ignore[index]
        if background:
            _refitting.add(referential.pk)
    if background:
        threading.Thread(target=_refit_in_thread, args=(referential.pk, signature), daemon=True).start()
        return known[1]  # type: ignore[index]
    return _refit(referential, signature)


def _latest_stored(referential: Referential) -> tuple[tuple[int, int], Classifier] | None:
    folder = Path(settings.DATA_DIR) / "atlas"
    signatures = []
    for path in folder.glob(f"{_stem(referential)}-*.pickle"):
        parts = path.stem.split("-")
        try:
            signatures.append((int(parts[3]), int(parts[4])))
        except (IndexError, ValueError):
            continue
    if not signatures:
        return None
    signature = max(signatures)
    fitted = _load(referential, signature)
    return (signature, fitted) if fitted is not None else None


def _refit_in_thread(referential_pk: int, signature: tuple[int, int]) -> None:
    from django.db import connection

    try:
        _refit(Referential.objects.get(pk=referential_pk), signature)
    except Exception:  # the current model keeps answering; the next request tries again
        with _lock:
            _refitting.discard(referential_pk)
        logger.exception("refit of the atlas classifier failed")
    finally:
        connection.close()


def forget() -> None:
    """Drop every fitted classifier (tests, referential changes)."""
    with _lock:
        _fitted.clear()


def propose_text(referential: Referential, text: str) -> Proposal:
    return classifier(referential).propose(text, top=PROPOSED_SERVICES)


@transaction.atomic
def store_proposal(action: Action) -> Proposal:
    """Propose enjeux and services for ``action`` from its text, replacing earlier proposals."""
    proposal = propose_text(action.referential, action.text())
    items = {i.code: i for i in action.referential.items.filter(level__in=["enjeu", "service"])}
    Classification.objects.filter(action=action, source=Classification.Source.PROPOSED).delete()
    rows = []
    for level, guesses in (("enjeu", proposal.enjeux[:PROPOSED_ENJEUX]), ("service", proposal.services)):
        for rank, guess in enumerate(guesses):
            if guess.code in items:
                rows.append(
                    Classification(
                        action=action,
                        item=items[guess.code],
                        level=level,
                        source=Classification.Source.PROPOSED,
                        confidence=guess.confidence,
                        rank=rank,
                    )
                )
    Classification.objects.bulk_create(rows)
    return proposal


@transaction.atomic
def confirm(action: Action, enjeux: Sequence[str], services: Sequence[str]) -> list[Item]:
    """Record the moderator's classification (codes, main first); it becomes training data for later proposals."""
    items = {i.code: i for i in action.referential.items.filter(code__in=[*enjeux, *services])}
    Classification.objects.filter(action=action, source=Classification.Source.CONFIRMED).delete()
    rows = [
        Classification(action=action, item=items[code], level=level, source=Classification.Source.CONFIRMED, rank=rank)
        for level, codes in (("enjeu", enjeux), ("service", services))
        for rank, code in enumerate(dict.fromkeys(codes))
        if code in items and items[code].level == level
    ]
    Classification.objects.bulk_create(rows)
    Referential.objects.filter(pk=action.referential_id).update(confirmations=F("confirmations") + 1)
    return [r.item for r in rows]


def classification(action: Action) -> dict[str, dict[str, list[Classification]]]:
    """{'confirmed'|'proposed': {'enjeu': [...], 'service': [...]}} for an action page."""
    result: dict[str, dict[str, list[Classification]]] = {
        "confirmed": {"enjeu": [], "service": []},
        "proposed": {"enjeu": [], "service": []},
    }
    for c in action.classifications.select_related("item").order_by("level", "rank"):
        result[c.source][c.level].append(c)
    return result
