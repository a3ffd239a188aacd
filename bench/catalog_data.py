"""A seeded, realistic French open-data catalogue for the benchmarks (standard library only).

``generate(n, seed)`` always returns the same entries for the same arguments:
titles such as « Stationnement vélo — Rennes 2021 », two to four sentences of
description, one to three EU themes, two to five keywords, one of 40
organisations (large publishers publish more, as in real portals), one of four
open licences and a unique modification timestamp.

The full-text query of the benchmark is the accented word « vélo ». The
vocabulary is chosen so that no other word starts with « velo » once accents
are folded (no « vélos », « vélodrome », « véloroute »): Territoria searches
stemmed prefixes and Datasette whole tokens, and on this vocabulary both must
find exactly the same rows. ``expected_matches`` counts them independently.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

SEARCH_WORD = "vélo"

THEME_CODES = (
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "INTR",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
)

# (identifier, weight): the Licence Ouverte dominates French local open data.
LICENCES = (("etalab-2.0", 60), ("odbl-1.0", 20), ("cc-by-4.0", 12), ("cc0-1.0", 8))

# (name, kind, territory used in titles). 40 publishers: communes, EPCI, départements, régions, syndicats, État.
ORGANISATIONS = (
    ("Rennes Métropole", "epci", "Rennes Métropole"),
    ("Ville de Nantes", "commune", "Nantes"),
    ("Métropole Européenne de Lille", "epci", "Lille"),
    ("Région Bretagne", "region", "Bretagne"),
    ("Ville de Montpellier", "commune", "Montpellier"),
    ("Toulouse Métropole", "epci", "Toulouse"),
    ("Département de l'Hérault", "departement", "Hérault"),
    ("Eurométropole de Strasbourg", "epci", "Strasbourg"),
    ("Grenoble-Alpes Métropole", "epci", "Grenoble"),
    ("Ville de Besançon", "commune", "Besançon"),
    ("Brest Métropole", "epci", "Brest"),
    ("Région Occitanie", "region", "Occitanie"),
    ("Département d'Ille-et-Vilaine", "departement", "Ille-et-Vilaine"),
    ("Angers Loire Métropole", "epci", "Angers"),
    ("Ville de Nîmes", "commune", "Nîmes"),
    ("Dijon Métropole", "epci", "Dijon"),
    ("Région Pays de la Loire", "region", "Pays de la Loire"),
    ("Ville d'Orléans", "commune", "Orléans"),
    ("Département du Finistère", "departement", "Finistère"),
    ("Communauté d'agglomération du Pays Basque", "epci", "Pays Basque"),
    ("Ville de Saint-Étienne", "commune", "Saint-Étienne"),
    ("Région Grand Est", "region", "Grand Est"),
    ("Ville de Périgueux", "commune", "Périgueux"),
    ("Département de la Gironde", "departement", "Gironde"),
    ("Ville de La Rochelle", "commune", "La Rochelle"),
    ("Tours Métropole Val de Loire", "epci", "Tours"),
    ("Ville d'Épinal", "commune", "Épinal"),
    ("Région Normandie", "region", "Normandie"),
    ("Ville de Chambéry", "commune", "Chambéry"),
    ("Département des Côtes-d'Armor", "departement", "Côtes-d'Armor"),
    ("Ville de Béziers", "commune", "Béziers"),
    ("Syndicat départemental d'énergie du Morbihan", "syndicat", "Morbihan"),
    ("Ville de Quimper", "commune", "Quimper"),
    ("Ville d'Évreux", "commune", "Évreux"),
    ("Région Auvergne-Rhône-Alpes", "region", "Auvergne-Rhône-Alpes"),
    ("Ville de Lorient", "commune", "Lorient"),
    ("Syndicat mixte Mégalis Bretagne", "syndicat", "Bretagne"),
    ("Ville d'Ajaccio", "commune", "Ajaccio"),
    ("Préfecture de la Vendée", "etat", "Vendée"),
    ("Ville de Fréjus", "commune", "Fréjus"),
)

# (title stem, themes, what the dataset lists, keyword pool).
TOPICS = (
    ("Stationnement vélo", ("TRAN",), "les arceaux et abris pour le vélo", ("vélo", "stationnement", "arceaux")),
    ("Comptages vélo", ("TRAN",), "les passages aux compteurs vélo", ("vélo", "comptage", "mobilité douce")),
    ("Aménagements cyclables", ("TRAN",), "les pistes et bandes cyclables", ("cyclable", "voirie", "mobilité douce")),
    ("Arrêts de bus", ("TRAN",), "les arrêts du réseau de bus urbain", ("bus", "transport en commun", "arrêts")),
    ("Horaires du tramway", ("TRAN",), "les horaires des lignes de tramway", ("tramway", "horaires", "GTFS")),
    ("Parkings publics", ("TRAN",), "les parcs de stationnement et leur capacité", ("parking", "stationnement")),
    ("Bornes de recharge électrique", ("TRAN", "ENER"), "les bornes de recharge", ("IRVE", "recharge", "électrique")),
    ("Trafic routier", ("TRAN",), "les comptages de véhicules sur les axes principaux", ("trafic", "voirie")),
    ("Zones à faibles émissions", ("TRAN", "ENVI"), "le périmètre de la zone à faibles émissions", ("ZFE", "air")),
    ("Qualité de l'air", ("ENVI", "HEAL"), "les mesures horaires de polluants", ("air", "pollution", "ozone")),
    ("Arbres d'alignement", ("ENVI",), "les arbres des rues et des places", ("arbres", "patrimoine arboré")),
    ("Espaces verts", ("ENVI", "SOCI"), "les parcs, jardins et squares", ("parcs", "jardins", "nature en ville")),
    ("Collecte des déchets", ("ENVI",), "les tournées de collecte des ordures ménagères", ("déchets", "collecte")),
    ("Points d'apport volontaire", ("ENVI",), "les colonnes de tri du verre et des papiers", ("tri", "verre")),
    ("Consommation d'eau", ("ENVI", "ENER"), "les volumes d'eau potable distribués", ("eau potable", "réseau")),
    ("Qualité des eaux de baignade", ("ENVI", "HEAL"), "les analyses des sites de baignade", ("baignade", "eau")),
    ("Consommation énergétique des bâtiments", ("ENER",), "les consommations des bâtiments", ("énergie", "bâtiments")),
    ("Production photovoltaïque", ("ENER", "TECH"), "les installations solaires", ("solaire", "photovoltaïque")),
    ("Éclairage public", ("ENER", "REGI"), "les points lumineux et leurs horaires", ("éclairage", "luminaires")),
    ("Budget primitif", ("ECON", "GOVE"), "les crédits votés par chapitre", ("budget", "finances")),
    ("Compte administratif", ("ECON", "GOVE"), "les dépenses et recettes réalisées", ("comptabilité", "finances")),
    ("Subventions aux associations", ("ECON", "SOCI"), "les subventions accordées", ("subventions", "associations")),
    ("Marchés publics", ("ECON", "GOVE"), "les marchés attribués", ("commande publique", "DECP")),
    ("Marchés forains", ("ECON", "AGRI"), "les marchés de plein air et leurs jours", ("marchés", "commerce")),
    ("Commerces de proximité", ("ECON",), "les commerces en rez-de-chaussée", ("commerce", "activité")),
    ("Offres d'emploi de la collectivité", ("ECON", "GOVE"), "les postes ouverts au recrutement", ("emploi",)),
    ("Délibérations du conseil municipal", ("GOVE",), "les délibérations adoptées", ("délibérations", "conseil")),
    ("Élus du conseil", ("GOVE",), "les élus, leurs mandats et délégations", ("élus", "mandats")),
    ("Résultats des élections", ("GOVE", "SOCI"), "les résultats par bureau de vote", ("élections", "scrutin")),
    ("Bureaux de vote", ("GOVE",), "les bureaux de vote et leur adresse", ("élections", "bureaux")),
    ("Équipements sportifs", ("EDUC",), "les gymnases, stades et piscines", ("sport", "gymnase", "piscine")),
    ("Fréquentation des piscines", ("EDUC", "HEAL"), "les entrées journalières des piscines", ("piscine", "sport")),
    ("Bibliothèques et médiathèques", ("EDUC",), "les établissements de lecture publique", ("lecture", "médiathèque")),
    ("Prêts des médiathèques", ("EDUC",), "les documents les plus empruntés", ("prêts", "livres")),
    ("Écoles maternelles et élémentaires", ("EDUC",), "les écoles et leurs effectifs", ("école", "effectifs")),
    ("Menus de la restauration scolaire", ("EDUC", "AGRI"), "les menus servis dans les cantines", ("cantine", "menus")),
    ("Agenda culturel", ("EDUC", "SOCI"), "les événements culturels à venir", ("culture", "événements")),
    ("Monuments historiques", ("EDUC", "REGI"), "les édifices protégés", ("patrimoine", "monuments")),
    ("Musées et collections", ("EDUC",), "les œuvres des collections municipales", ("musée", "œuvres")),
    ("Crèches et multi-accueils", ("SOCI", "EDUC"), "les places d'accueil du jeune enfant", ("petite enfance",)),
    ("Établissements pour personnes âgées", ("SOCI", "HEAL"), "les EHPAD et résidences autonomie", ("seniors",)),
    ("Population légale", ("SOCI", "REGI"), "la population municipale par quartier", ("démographie", "recensement")),
    ("Naissances et décès", ("SOCI", "HEAL"), "les actes d'état civil par mois", ("état civil", "démographie")),
    ("Prénoms des nouveau-nés", ("SOCI",), "les prénoms donnés aux enfants", ("prénoms", "état civil")),
    ("Logements sociaux", ("SOCI", "REGI"), "le parc de logements locatifs sociaux", ("logement", "habitat")),
    ("Défibrillateurs", ("HEAL",), "les défibrillateurs automatisés externes", ("DAE", "secours", "santé")),
    ("Centres de vaccination", ("HEAL",), "les centres de vaccination et leurs horaires", ("santé", "vaccination")),
    ("Pharmacies de garde", ("HEAL",), "les pharmacies de garde", ("pharmacie", "santé")),
    ("Permis de construire", ("REGI", "GOVE"), "les autorisations d'urbanisme délivrées", ("urbanisme", "permis")),
    ("Plan local d'urbanisme", ("REGI",), "le zonage et les prescriptions du PLU", ("urbanisme", "PLU", "zonage")),
    ("Adresses", ("REGI",), "les adresses géolocalisées de la base adresse locale", ("BAL", "adresses")),
    ("Limites des quartiers", ("REGI",), "les contours des quartiers", ("quartiers", "découpage")),
    ("Cadastre", ("REGI", "ECON"), "les parcelles cadastrales", ("cadastre", "parcelles", "foncier")),
    ("Toilettes publiques", ("REGI", "HEAL"), "les sanitaires publics et leur accessibilité", ("toilettes",)),
    ("Accidents de la route", ("JUST", "TRAN"), "les accidents corporels de la circulation", ("sécurité routière",)),
    ("Vidéoprotection", ("JUST",), "les caméras de vidéoprotection", ("sécurité", "caméras")),
    ("Arrêtés de police", ("JUST", "GOVE"), "les arrêtés de circulation et de stationnement", ("arrêtés", "police")),
    ("Jumelages", ("INTR", "EDUC"), "les villes jumelles et leurs échanges", ("jumelage", "international")),
    ("Coopération décentralisée", ("INTR", "GOVE"), "les projets de coopération internationale", ("coopération",)),
    ("Exploitations agricoles", ("AGRI",), "les exploitations et leurs surfaces", ("agriculture", "exploitations")),
    ("Jardins partagés", ("AGRI", "SOCI"), "les jardins familiaux et partagés", ("jardins", "potagers")),
    ("Couverture en fibre optique", ("TECH", "REGI"), "les locaux raccordables à la fibre", ("fibre", "THD")),
    ("Antennes de téléphonie mobile", ("TECH",), "les antennes et leurs opérateurs", ("téléphonie", "4G", "5G")),
    ("Wi-Fi public", ("TECH", "SOCI"), "les points d'accès Wi-Fi gratuits", ("wifi", "numérique")),
    ("Capteurs connectés", ("TECH", "ENVI"), "les mesures des capteurs de la ville", ("capteurs", "IoT")),
)

GENERAL_KEYWORDS = (
    "données ouvertes",
    "collectivité",
    "géolocalisation",
    "SIG",
    "temps réel",
    "open data",
    "service public",
    "territoire",
)

SERVICES = (
    "de l'urbanisme",
    "des mobilités",
    "de l'environnement",
    "des finances",
    "des sports",
    "de la culture",
    "de l'éducation",
    "des espaces verts",
    "de l'eau et de l'assainissement",
    "du numérique",
)

SENTENCES = (
    "Les données sont mises à jour chaque année par la direction {service}.",
    "Chaque enregistrement précise la localisation, la date de mise en service et l'état général.",
    "Les coordonnées géographiques sont exprimées en WGS 84 (EPSG:4326).",
    "Ce fichier est produit à partir du système d'information géographique de la collectivité.",
    "Les valeurs manquantes sont signalées par une cellule vide.",
    "Une version antérieure est disponible sur demande auprès de la direction {service}.",
    "Les données à caractère personnel ont été retirées conformément au RGPD.",
    "Le périmètre couvre l'ensemble des quartiers, y compris les hameaux rattachés.",
    "La méthodologie de collecte est décrite dans la documentation jointe.",
    "Les libellés suivent la nomenclature nationale en vigueur.",
    "Les montants sont exprimés en euros toutes taxes comprises.",
    "Publication au titre de l'ouverture par défaut prévue par la loi pour une République numérique.",
    "Certaines entrées ont été rapprochées des référentiels de l'IGN et de l'Insee.",
    "Le jeu est réutilisé par plusieurs applications d'information des usagers.",
)

# Mentions the search word from a non-cycling topic: full-text search must look at descriptions too.
TRANSPORT_SENTENCE = "Les correspondances avec le service de location de vélo en libre-service y figurent."

FIRST_MODIFIED = datetime(2015, 1, 1, tzinfo=UTC)
LAST_MODIFIED = datetime(2025, 6, 30, tzinfo=UTC)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without diacritics: « Vélo » → « velo »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    kind: str


@dataclass
class Entry:
    slug: str
    title: str
    description: str
    themes: list[str]
    keywords: list[str]
    organisation: str  # Organisation.slug
    publisher: str  # Organisation.name
    licence: str
    modified: str  # ISO 8601, UTC
    published: str


@dataclass
class Catalogue:
    organisations: list[Organisation]
    entries: list[Entry] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "organisations": [asdict(o) for o in self.organisations],
            "entries": [asdict(e) for e in self.entries],
        }


def _modified(rng: random.Random, year: int, taken: set[datetime]) -> datetime:
    start = max(FIRST_MODIFIED, datetime(year, 1, 1, tzinfo=UTC))
    span = int((LAST_MODIFIED - start).total_seconds())
    while True:
        moment = start + timedelta(seconds=rng.randrange(span))
        if moment not in taken:  # unique: "sort by modified" has a single right answer
            taken.add(moment)
            return moment


def generate(n: int = 5_000, seed: int = 42) -> Catalogue:
    rng = random.Random(seed)
    organisations = [Organisation(slugify(name), name, kind) for name, kind, _place in ORGANISATIONS]
    places = [place for _name, _kind, place in ORGANISATIONS]
    # Zipf-like: the big metropolises publish far more than a small town.
    org_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(organisations))]
    licence_ids = [identifier for identifier, _weight in LICENCES]
    licence_weights = [weight for _identifier, weight in LICENCES]
    taken: set[datetime] = set()
    catalogue = Catalogue(organisations)
    for index in range(n):
        org_index = rng.choices(range(len(organisations)), weights=org_weights)[0]
        org, place = organisations[org_index], places[org_index]
        topic, topic_themes, what, topic_keywords = rng.choice(TOPICS)
        year = rng.randint(2015, 2024)
        title = f"{topic} — {place} {year}"
        themes = list(topic_themes)
        extra = [code for code in THEME_CODES if code not in themes]
        themes += rng.sample(extra, rng.randint(0, 3 - len(themes)))
        count = rng.randint(2, 5)
        pool = list(topic_keywords)
        keywords = rng.sample(pool, min(count, len(pool)))
        keywords += rng.sample(GENERAL_KEYWORDS, count - len(keywords))
        service = rng.choice(SERVICES)
        sentences = [f"Ce jeu de données recense {what} sur le territoire {_of(place)}, pour l'année {year}."]
        sentences += [s.format(service=service) for s in rng.sample(SENTENCES, rng.randint(1, 3))]
        if "TRAN" in topic_themes and SEARCH_WORD not in title and rng.random() < 0.1:
            sentences.insert(1, TRANSPORT_SENTENCE)
        modified = _modified(rng, year, taken)
        catalogue.entries.append(
            Entry(
                slug=f"{slugify(topic)}-{slugify(place)}-{year}-{index + 1}"[:100],
                title=title,
                description=" ".join(sentences),
                themes=themes,
                keywords=keywords,
                organisation=org.slug,
                publisher=org.name,
                licence=rng.choices(licence_ids, weights=licence_weights)[0],
                modified=modified.isoformat(),
                published=modified.isoformat(),
            )
        )
    return catalogue


def _of(place: str) -> str:
    """« de Rennes », « d'Orléans »: elision before a vowel, good enough for generated text."""
    return f"d'{place}" if fold(place[0]) in "aeiouy" else f"de {place}"


def searchable_words(entry: Entry) -> set[str]:
    text = " ".join([entry.title, entry.description, *entry.keywords])
    return set(_WORD.findall(fold(text)))


def expected_matches(catalogue: Catalogue, word: str = SEARCH_WORD) -> int:
    """Entries whose title, description or keywords hold ``word`` (accents and case folded)."""
    folded = fold(word)
    return sum(1 for entry in catalogue.entries if folded in searchable_words(entry))


def prefix_collisions(catalogue: Catalogue, word: str = SEARCH_WORD) -> set[str]:
    """Other words starting with ``word``: any would make prefix and whole-word search disagree."""
    folded = fold(word)
    return {w for e in catalogue.entries for w in searchable_words(e) if w.startswith(folded) and w != folded}
