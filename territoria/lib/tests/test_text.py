"""territoria.lib.text: accent and case folding, French stemming for search."""

import pytest

from territoria.lib.text import STOP_WORDS, fold, stems, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Équipements", "equipements"),
        ("ÉQUIPEMENTS SPORTIFS", "equipements sportifs"),
        ("Crèche à Saint-Étienne", "creche a saint-etienne"),
        ("Noël, maïs, où", "noel, mais, ou"),
        ("garçon", "garcon"),
        ("Straße", "strasse"),  # casefold, not lower
        ("déjà", "deja"),
        ("", ""),
    ],
)
def test_fold_removes_accents_and_case(raw, folded):
    assert fold(raw) == folded


def test_fold_keeps_letters_without_a_decomposition():
    # « œ » has no combining mark to drop: it stays a letter, it is not deleted.
    assert fold("Œuvre") == "œuvre"


def test_words_drops_stop_words_and_punctuation_keeping_order():
    assert words("Les arbres de l'avenue, et la place !") == ["arbres", "avenue", "place"]


def test_words_splits_on_underscores_and_keeps_digits():
    assert words("budget_2024 PLU-v2") == ["budget", "2024", "plu", "v2"]


def test_stop_words_are_folded_lowercase():
    assert all(w == fold(w) for w in STOP_WORDS)


def test_stems_of_the_example_in_the_docstring():
    assert stems("Équipements sportifs") == ["equip", "sportif"]


@pytest.mark.parametrize("variant", ["equipement", "EQUIPEMENTS", "équipement", "Équipements", "équipements"])
def test_singular_plural_accents_and_case_share_one_stem(variant):
    assert stems(variant) == stems("Équipements")


def test_different_words_keep_different_stems():
    assert stems("arbre") != stems("arrêté")


def test_stems_of_only_stop_words_is_empty():
    assert stems("de la et les") == []


def test_stems_never_contain_punctuation_or_syntax_characters():
    for stem in stems('"NEAR(a b)" OR title:x* ^y -- ; DROP'):
        assert stem.isalnum(), stem
