"""French text normalisation for search: accents and case folded, words stemmed (Snowball)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("french")
# Short French words that carry no meaning for search.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "il",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "l",
        "d",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "vos",
        "votre",
        "nos",
        "notre",
        "est",
        "sont",
    ]
)


def fold(text: str) -> str:
    """Lower case without diacritics: « Équipements » → « equipements »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Folded words of ``text`` minus stop words, in order."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def stems(text: str) -> list[str]:
    """Folded, stemmed words: « Équipements sportifs » → ['equip', 'sportif']."""
    return [_stem(w) for w in words(text)]
