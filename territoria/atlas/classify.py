"""Semantic classification of fiches-actions into a referential, offline on the CPU.

A TF-IDF over French word stems (Snowball, accents folded) and their pairs, beside a TF-IDF over character
n-grams (robust to spelling variants, acronyms and compound words), feeds two linear models (linear
support-vector machines fitted by stochastic gradient descent, a few seconds for the whole referential): one
over the services, one over the enjeux. Their scores become confidences through a softmax: a ranking with a
sense of margin, not a calibrated probability. They learn from the referential itself (each
element's label, description sentences and keywords, with its parents' words) and from every action whose
classification a moderator confirmed, so each correction improves the next proposals.

This module knows nothing of Django: it takes plain texts and codes (``Example``), which makes it easy to
evaluate (``territoria atlas_evaluate``) and to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

from territoria.lib.text import fold, stems

SENTENCE = re.compile(r"(?<=[.;!?])\s+")
# How much the enjeu model trusts the sum of its services' confidences beside its own answer.
SERVICE_VOTE = 0.5
# Softmax temperature turning margins into confidences (chosen on the demo actions, not on the evaluation set).
SHARPNESS = 8.0
CHAR_WEIGHT = 0.7  # character n-grams count a little less than whole words
EPOCHS = 10
EXAMPLE_WEIGHT = 3.0  # a confirmed action counts as much as three sentences of the referential
EXAMPLE_CHARS = 1_500  # of a confirmed action's text, for training: the title and summary carry the most


@dataclass(frozen=True)
class Element:
    """One element of a referential, as the classifier sees it."""

    code: str
    level: str  # axe, enjeu, usage, service
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    parent: str = ""


@dataclass(frozen=True)
class Example:
    """A confirmed action: its text and its enjeu and services (first = main)."""

    text: str
    enjeu: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class Guess:
    code: str
    confidence: float


@dataclass
class Proposal:
    enjeux: list[Guess] = field(default_factory=list)
    services: list[Guess] = field(default_factory=list)


def analyse(text: str) -> list[str]:
    """Stems and stem pairs: « espaces numériques de travail » → ['espac', 'numer', 'travail', 'espac numer', …]."""
    words = stems(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.split(text.strip()) if len(s) > 3]


class Classifier:
    """Fitted once per referential version and set of confirmed examples; ``propose`` is then a few ms."""

    def __init__(self, elements: Sequence[Element], examples: Iterable[Example] = ()) -> None:
        by_code = {e.code: e for e in elements}
        self.enjeu_of: dict[str, str] = {}
        for element in elements:
            if element.level == "service":
                self.enjeu_of[element.code] = _ancestor(by_code, element, "enjeu")
        # One list of documents, each with its service (or "") and its enjeu (or ""): vectorised once.
        docs: list[str] = []
        services: list[str] = []
        enjeux: list[str] = []
        weights: list[float] = []

        def add(text: str, service: str, enjeu: str, weight: float = 1.0) -> None:
            docs.append(text)
            services.append(service)
            enjeux.append(enjeu)
            weights.append(weight)

        for element in elements:
            if element.level == "service":
                for doc in _documents(by_code, element):
                    add(doc, element.code, self.enjeu_of[element.code])
            elif element.level in ("enjeu", "usage"):
                enjeu = element.code if element.level == "enjeu" else _ancestor(by_code, element, "enjeu")
                for doc in _documents(by_code, element):
                    add(doc, "", enjeu)
        for example in examples:
            main = example.services[0] if example.services and example.services[0] in by_code else ""
            enjeu = example.enjeu if example.enjeu in by_code else ""
            # A confirmed action weighs more: it is the closest thing to what people will write.
            text = example.text[:EXAMPLE_CHARS]
            add(text, main, enjeu, EXAMPLE_WEIGHT)
            for secondary in example.services[1:]:
                if secondary in by_code:
                    add(text, secondary, "")
        if not any(services) or not any(enjeux):
            raise ValueError("a referential needs enjeux and services to classify actions")
        self.words = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=1)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, preprocessor=fold, max_features=60_000
        )
        unique = list(dict.fromkeys(docs))
        index = {text: i for i, text in enumerate(unique)}
        matrix = hstack([self.words.fit_transform(unique), self.chars.fit_transform(unique) * CHAR_WEIGHT]).tocsr()
        rows = [index[d] for d in docs]
        self.services = self._fit(matrix, rows, services, weights)
        self.enjeux = self._fit(matrix, rows, enjeux, weights)

    def _features(self, texts: Sequence[str]):
        return hstack([self.words.transform(texts), self.chars.transform(texts) * CHAR_WEIGHT]).tocsr()

    @staticmethod
    def _fit(matrix, rows: list[int], labels: list[str], weights: list[float]) -> SGDClassifier | str:
        kept = [(row, label, w) for row, label, w in zip(rows, labels, weights, strict=True) if label]
        if len({label for _row, label, _w in kept}) == 1:
            return kept[0][1]
        model = SGDClassifier(loss="hinge", alpha=1e-4, max_iter=EPOCHS, tol=None, random_state=0)
        model.fit(
            matrix[[row for row, _label, _w in kept]],
            [label for _row, label, _w in kept],
            sample_weight=np.array([w for _row, _label, w in kept]),
        )
        return model

    @staticmethod
    def _scores(model: SGDClassifier | str, features) -> dict[str, float]:
        if isinstance(model, str):
            return {model: 1.0}
        margins = np.asarray(model.decision_function(features)).reshape(1, -1)[0]
        if len(model.classes_) == 2:
            margins = np.array([-margins[0], margins[0]])
        exp = np.exp(SHARPNESS * (margins - margins.max()))
        confidences = exp / exp.sum()
        return {str(code): float(p) for code, p in zip(model.classes_, confidences, strict=True)}

    def propose(self, text: str, top: int = 5) -> Proposal:
        features = self._features([text])
        services = self._scores(self.services, features)
        enjeux = self._scores(self.enjeux, features)
        votes: dict[str, float] = {}
        for code, p in services.items():
            enjeu = self.enjeu_of.get(code, "")
            votes[enjeu] = votes.get(enjeu, 0.0) + p
        combined = {code: (1 - SERVICE_VOTE) * p + SERVICE_VOTE * votes.get(code, 0.0) for code, p in enjeux.items()}
        return Proposal(enjeux=_best(combined, top), services=_best(services, top))


def _best(scores: dict[str, float], top: int) -> list[Guess]:
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [Guess(code, round(p, 4)) for code, p in ranked]


def _ancestor(by_code: dict[str, Element], element: Element, level: str) -> str:
    current: Element | None = element
    seen = 0
    while current is not None and seen < 10:
        if current.level == level:
            return current.code
        current = by_code.get(current.parent)
        seen += 1
    return ""


def _documents(by_code: dict[str, Element], element: Element) -> list[str]:
    """The texts an element teaches: its label, each sentence of its description, its keywords, and all of it
    with its parents' labels."""
    parents: list[str] = []
    current = by_code.get(element.parent)
    while current is not None and len(parents) < 4:
        parents.append(current.label)
        current = by_code.get(current.parent)
    whole = " ".join([element.label, element.description, " ".join(element.keywords), *parents])
    docs = [element.label, whole, " ".join(element.keywords)]
    docs += _sentences(element.description)
    docs += [f"{element.label} {keyword}" for keyword in element.keywords]
    return [d for d in docs if d.strip()]


def evaluate(classifier: Classifier, cases: Sequence[Example]) -> dict[str, object]:
    """Top-1 and top-3 accuracy on held-out cases, overall and per enjeu (the case's main enjeu)."""
    totals: dict[str, list[int]] = {}
    overall = np.zeros(4, dtype=int)
    for case in cases:
        proposal = classifier.propose(case.text, top=3)
        main = case.services[0] if case.services else ""
        hits = np.array(
            [
                bool(proposal.services) and proposal.services[0].code == main,
                main in [g.code for g in proposal.services[:3]],
                bool(proposal.enjeux) and proposal.enjeux[0].code == case.enjeu,
                case.enjeu in [g.code for g in proposal.enjeux[:3]],
            ],
            dtype=int,
        )
        overall += hits
        row = totals.setdefault(case.enjeu, [0, 0, 0, 0, 0])
        row[0] += 1
        for i in range(4):
            row[i + 1] += int(hits[i])
    n = max(1, len(cases))
    return {
        "cases": len(cases),
        "service_top1": overall[0] / n,
        "service_top3": overall[1] / n,
        "enjeu_top1": overall[2] / n,
        "enjeu_top3": overall[3] / n,
        "per_enjeu": {
            code: {
                "cases": row[0],
                "service_top1": row[1] / row[0],
                "service_top3": row[2] / row[0],
                "enjeu_top1": row[3] / row[0],
                "enjeu_top3": row[4] / row[0],
            }
            for code, row in sorted(totals.items())
        },
    }
