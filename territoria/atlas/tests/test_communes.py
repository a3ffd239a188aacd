from territoria.atlas import communes


def test_the_table_has_both_departements_and_the_prefectures():
    table = communes.table()
    assert table["35238"].name == "Rennes"
    assert table["90010"].name == "Belfort"
    assert table["2A004"].name == "Ajaccio"
    assert sum(1 for c in table.values() if c.departement == "35") == 345
    assert sum(1 for c in table.values() if c.departement == "90") == 102


def test_every_commune_point_lies_in_its_departement():
    wrong = [
        (c.insee, c.name, communes.departement_at(c.lat, c.lon))
        for c in communes.table().values()
        if communes.departement_at(c.lat, c.lon) != c.departement
    ]
    assert wrong == []


def test_lookup_ignores_case_and_spaces_and_misses_unknown_codes():
    assert communes.lookup(" 2a004 ").name == "Ajaccio"
    assert communes.lookup("99999") is None
    assert communes.lookup("") is None


def test_points_outside_france_have_no_departement():
    assert communes.departement_at(51.5074, -0.1278) is None  # London
    assert communes.departement_at(40.4168, -3.7038) is None  # Madrid
    assert communes.departement_at(48.1173, -1.6778) == "35"
    assert communes.departement_at(-20.8789, 55.4481) == "974"
    assert not communes.in_france(0.0, 0.0)


def test_departement_of_code():
    assert communes.departement_of("35238") == "35"
    assert communes.departement_of("2B033") == "2B"
    assert communes.departement_of("97411") == "974"


def test_population_bands():
    assert communes.population_band(None) == ""
    assert communes.population_band(120) == "lt500"
    assert communes.population_band(2_000) == "2k-10k"
    assert communes.population_band(220_000) == "200k+"
    assert set(communes.BAND_LABELS) == {band for _l, _h, band, _label in communes.POPULATION_BANDS}
