"""The demo collectivité and its datasets: real public files from French open-data sources.

Each file in ``files/`` is listed in ``files/ATTRIBUTION.md`` with its origin and licence.
The publisher is fictional; producers, sources and licences are the real ones.
"""

from __future__ import annotations

from typing import Any

DEMO_ORGANISATION = {
    "slug": "ca-val-de-loire-demo",
    "name": "Communauté d'agglomération du Val-de-Loire (démo)",
    "kind": "epci",
    "siren": "200000000",
    "description": (
        "Collectivité **fictive** de démonstration de Territoria. Les jeux de données sont de vrais fichiers "
        "publics (exemples des schémas nationaux, référentiels géographiques, statistiques) dont la source, "
        "le producteur et la licence sont indiqués sur chaque page."
    ),
    "website": "https://territoria.example/",
    "email": "donnees@territoria.example",
}

PARTNERS = [
    {
        "slug": "ville-de-lorval-demo",
        "name": "Ville de Lorval (démo)",
        "kind": "commune",
        "insee_code": "45999",
        "description": "Commune fictive membre de l'agglomération de démonstration.",
    },
    {
        "slug": "syndicat-mobilites-demo",
        "name": "Syndicat des mobilités du Val-de-Loire (démo)",
        "kind": "syndicat",
        "description": "Autorité organisatrice des mobilités fictive.",
    },
]

SCDL = "https://schema.data.gouv.fr/"

DATASETS: list[dict[str, Any]] = [
    {
        "slug": "subventions-attribuees",
        "title": "Subventions attribuées aux associations",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Liste des subventions attribuées par la collectivité : bénéficiaire (SIRET, numéro RNA), objet, "
            "montant, nature de l'aide et conditions de versement.\n\n"
            "Publiée au format du **Socle commun des données locales** (SCDL) *Subventions*, obligatoire pour "
            "les aides de plus de 23 000 € (décret n° 2017-779).\n\n"
            "Les lignes sont celles de l'exemple officiel du schéma, issues des données de la ville d'Antibes."
        ),
        "producer": "Ville d'Antibes (exemple officiel du schéma SCDL Subventions)",
        "themes": ["ECON", "GOVE"],
        "keywords": ["subventions", "associations", "budget", "SCDL"],
        "licence": "unlicense",
        "frequency": "ANNUAL",
        "temporal_start": "2013-01-01",
        "temporal_end": "2017-12-31",
        "spatial_coverage": "Antibes",
        "spatial_code": "06004",
        "spatial_granularity": "commune",
        "table_schema": {
            "name": "scdl-subventions",
            "title": "Subventions (SCDL)",
            "version": "2.1.1",
            "url": SCDL + "scdl/subventions/2.1.1/",
        },
        "source_name": "betagouv/SCDL-Subvention-DataSubvention, exemples/exemple_valide.csv",
        "source_url": "https://github.com/betagouv/SCDL-Subvention-DataSubvention",
        "attribution": "Exemple du schéma SCDL Subventions (betagouv), données de la ville d'Antibes.",
        "contact_name": "Direction des finances",
        "files": [("subventions-antibes.csv", "Subventions attribuées (CSV, schéma SCDL 2.1.1)")],
    },
    {
        "slug": "stationnement",
        "title": "Lieux de stationnement (parkings)",
        "organisation": "syndicat-mobilites-demo",
        "description": (
            "Parkings publics du territoire : adresse, nombre de places (dont PMR, vélos, recharge électrique), "
            "tarifs, hauteur maximale, gestionnaire et coordonnées.\n\n"
            "Conforme au schéma national *Lieux de stationnement* d'Etalab."
        ),
        "producer": "Etalab (exemple valide du schéma Stationnement)",
        "themes": ["TRAN"],
        "keywords": ["stationnement", "parking", "mobilité", "voiture"],
        "licence": "etalab-2.0",
        "frequency": "MONTHLY",
        "spatial_coverage": "Val-de-Loire (démo)",
        "spatial_granularity": "point",
        "table_schema": {
            "name": "stationnement",
            "title": "Lieux de stationnement",
            "version": "0.1.5",
            "url": SCDL + "etalab/schema-stationnement/0.1.5/",
        },
        "source_name": "etalab/schema-stationnement, exemple-valide.csv et .xlsx",
        "source_url": "https://github.com/etalab/schema-stationnement",
        "attribution": "Etalab — schéma Lieux de stationnement, Licence Ouverte 2.0.",
        "contact_name": "Service mobilités",
        "files": [("stationnement.csv", "Parkings (CSV)"), ("stationnement.xlsx", "Parkings (Excel)")],
    },
    {
        "slug": "arbres-urbains",
        "title": "Arbres urbains",
        "organisation": "ville-de-lorval-demo",
        "description": (
            "Inventaire des arbres d'alignement et des parcs : essence (nom français et latin), hauteur, "
            "diamètre, stade de développement, date de plantation, localisation.\n\n"
            "Fichier CSV séparé par des points-virgules, encodé en UTF-8 avec BOM, tel que l'exportent les "
            "tableurs. Conforme au schéma *Arbres urbains*."
        ),
        "producer": "NaturalSolutions (exemple valide du schéma Arbres urbains)",
        "themes": ["ENVI"],
        "keywords": ["arbres", "patrimoine arboré", "nature en ville", "biodiversité"],
        "licence": "etalab-2.0",
        "frequency": "ANNUAL",
        "spatial_coverage": "Lorval (démo)",
        "spatial_granularity": "point",
        "table_schema": {
            "name": "arbres-urbains",
            "title": "Arbres urbains",
            "version": "0.2.0",
            "url": "https://github.com/NaturalSolutions/schema-arbre",
        },
        "source_name": "NaturalSolutions/schema-arbre, exemple-valide.csv et .xlsx",
        "source_url": "https://github.com/NaturalSolutions/schema-arbre",
        "attribution": "NaturalSolutions — schéma Arbres urbains, Licence Ouverte 2.0.",
        "contact_name": "Service espaces verts",
        "files": [
            ("arbres-urbains.csv", "Arbres (CSV ; UTF-8 avec BOM)"),
            ("arbres-urbains.xlsx", "Arbres (Excel)"),
        ],
    },
    {
        "slug": "lieux-covoiturage",
        "title": "Lieux de covoiturage",
        "organisation": "syndicat-mobilites-demo",
        "description": (
            "Aires et lieux de covoiturage : type d'aménagement, nombre de places, éclairage, accès "
            "transports en commun, coordonnées.\n\n"
            "Format de la Base nationale des lieux de covoiturage (BNLC), données d'exemple de Dieppe."
        ),
        "producer": "Etalab (exemple du schéma Lieux de covoiturage, Dieppe)",
        "themes": ["TRAN"],
        "keywords": ["covoiturage", "mobilité", "BNLC", "aires"],
        "licence": "etalab-2.0",
        "frequency": "QUARTERLY",
        "spatial_coverage": "Dieppe",
        "spatial_code": "76217",
        "spatial_granularity": "point",
        "table_schema": {
            "name": "lieux-covoiturage",
            "title": "Lieux de covoiturage",
            "version": "0.3.1",
            "url": SCDL + "etalab/schema-lieux-covoiturage/0.3.1/",
        },
        "source_name": "etalab/schema-lieux-covoiturage, exemple-valide.csv et .xls",
        "source_url": "https://github.com/etalab/schema-lieux-covoiturage",
        "attribution": "Etalab — schéma Lieux de covoiturage, Licence Ouverte 2.0.",
        "contact_name": "Service mobilités",
        "files": [
            ("lieux-covoiturage.csv", "Lieux de covoiturage (CSV)"),
            ("lieux-covoiturage.xls", "Lieux de covoiturage (Excel 97-2003)"),
        ],
    },
    {
        "slug": "aires-de-livraison",
        "title": "Aires de livraison",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Emplacements réservés aux livraisons : adresse, dimensions, état du marquage, durée maximale "
            "de stationnement, horaires (format OpenStreetMap), géométrie WKT.\n\n"
            "Seize aires réelles de la Métropole de Lyon, publiées en exemple du schéma du CEREMA."
        ),
        "producer": "Métropole de Lyon (exemple du schéma Aires de livraison du CEREMA)",
        "themes": ["TRAN", "ECON"],
        "keywords": ["livraison", "logistique urbaine", "stationnement", "marchandises"],
        "licence": "etalab-2.0",
        "frequency": "MONTHLY",
        "spatial_coverage": "Lyon",
        "spatial_code": "69123",
        "spatial_granularity": "point",
        "table_schema": {
            "name": "aire-livraison",
            "title": "Aires de livraison",
            "version": "1.0.0",
            "url": SCDL + "CEREMA/schema-aire-livraison/1.0.0/",
        },
        "source_name": "CEREMA/schema-aire-livraison, exemple-grand-lyon.csv",
        "source_url": "https://github.com/CEREMA/schema-aire-livraison",
        "attribution": "CEREMA et Métropole de Lyon, Licence Ouverte 2.0.",
        "contact_name": "Service logistique urbaine",
        "files": [("aires-livraison-lyon.csv", "Aires de livraison (CSV)")],
    },
    {
        "slug": "communes-ille-et-vilaine",
        "title": "Contours des communes d'Ille-et-Vilaine",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Contours géographiques des 345 communes d'Ille-et-Vilaine (35), avec leur code INSEE et leur nom, "
            "en GeoJSON (WGS 84).\n\nIssus d'Admin Express COG 2018 (IGN) via le projet *france-geojson*."
        ),
        "producer": "IGN (Admin Express COG 2018) et INSEE, via gregoiredavid/france-geojson",
        "themes": ["REGI"],
        "keywords": ["communes", "contours", "limites administratives", "Ille-et-Vilaine", "géographie"],
        "licence": "etalab-2.0",
        "frequency": "ANNUAL",
        "temporal_start": "2018-01-01",
        "temporal_end": "2018-12-31",
        "spatial_coverage": "Ille-et-Vilaine",
        "spatial_code": "35",
        "spatial_granularity": "commune",
        "source_name": "gregoiredavid/france-geojson",
        "source_url": "https://github.com/gregoiredavid/france-geojson",
        "attribution": "IGN — Admin Express COG 2018 ; INSEE. Mise en forme : france-geojson.",
        "files": [("communes-35-ille-et-vilaine.geojson", "Communes d'Ille-et-Vilaine (GeoJSON)")],
    },
    {
        "slug": "delinquance-departements",
        "title": "Délinquance enregistrée par département (2016-2022)",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Nombre de crimes et délits enregistrés par la police et la gendarmerie, par département, par "
            "indicateur (cambriolages, vols, violences…) et par année, avec les taux pour mille habitants.\n\n"
            "Fichier CSV à la française : séparateur point-virgule, virgules décimales, UTF-8 avec BOM, "
            "compressé en gzip (9 898 lignes)."
        ),
        "producer": "Service statistique ministériel de la sécurité intérieure (SSMSI), ministère de l'Intérieur",
        "themes": ["JUST", "SOCI"],
        "keywords": ["délinquance", "sécurité", "statistiques", "départements"],
        "licence": "etalab-2.0",
        "frequency": "ANNUAL",
        "temporal_start": "2016-01-01",
        "temporal_end": "2022-12-31",
        "spatial_coverage": "France",
        "spatial_code": "FR",
        "spatial_granularity": "departement",
        "source_name": "SSMSI, base départementale publiée sur data.gouv.fr (copie de test de datagouv/hydra)",
        "source_url": "https://www.data.gouv.fr/",
        "attribution": "SSMSI — ministère de l'Intérieur, Licence Ouverte 2.0.",
        "files": [("ssmsi-delinquance-departements-2016-2022.csv.gz", "Délinquance par département (CSV gzip)")],
    },
    {
        "slug": "arretes-circulation-marchandises",
        "title": "Arrêtés de circulation des marchandises",
        "organisation": "ville-de-lorval-demo",
        "description": (
            "Restrictions de circulation et de livraison des véhicules de marchandises prises par arrêté "
            "municipal : périmètre, tonnage, gabarit, plages horaires, dérogations.\n\n"
            "Exemple valide du schéma du CEREMA."
        ),
        "producer": "CEREMA (exemple du schéma Arrêtés de circulation des marchandises)",
        "themes": ["TRAN", "JUST"],
        "keywords": ["arrêtés", "circulation", "marchandises", "livraison"],
        "licence": "etalab-2.0",
        "frequency": "IRREG",
        "spatial_granularity": "commune",
        "table_schema": {
            "name": "CEREMA/schema-arrete-circulation-marchandises",
            "title": "Arrêtés de circulation des marchandises",
            "version": "latest",
            "url": "https://github.com/CEREMA/schema-arrete-circulation-marchandises",
        },
        "source_name": "CEREMA/schema-arrete-circulation-marchandises, exemple-valide.csv",
        "source_url": "https://github.com/CEREMA/schema-arrete-circulation-marchandises",
        "attribution": "CEREMA, Licence Ouverte 2.0.",
        "files": [("arretes-circulation-marchandises.csv", "Arrêtés (CSV)")],
    },
    {
        "slug": "friches",
        "title": "Friches",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Inventaire des friches (industrielles, commerciales, d'habitat…) : localisation, propriétaire, "
            "pollution des sols, bâti, projet de reconversion.\n\nFormat du standard CNIG *Friches*."
        ),
        "producer": "CNIG (fichier valide du standard Friches)",
        "themes": ["ENVI", "REGI"],
        "keywords": ["friches", "urbanisme", "foncier", "reconversion", "sols pollués"],
        "licence": "etalab-2.0",
        "frequency": "ANNUAL",
        "spatial_granularity": "point",
        "table_schema": {
            "name": "cnig-friches",
            "title": "Friches (CNIG)",
            "version": "1.0.6",
            "url": SCDL + "cnigfr/schema-friches/1.0.6/",
        },
        "source_name": "cnigfr/schema-friches, fichier-valide.csv",
        "source_url": "https://github.com/cnigfr/schema-friches",
        "attribution": "CNIG, Licence Ouverte 2.0.",
        "files": [("friches.csv", "Friches (CSV)")],
    },
    {
        "slug": "zones-faibles-emissions",
        "title": "Zone à faibles émissions mobilité (ZFE-m)",
        "organisation": "ca-val-de-loire-demo",
        "description": (
            "Périmètre de la zone à faibles émissions et voies qui en sont exclues, avec les vignettes "
            "Crit'Air autorisées et les dates d'entrée en vigueur, en GeoJSON."
        ),
        "producer": "Etalab (exemples valides du schéma ZFE)",
        "themes": ["ENVI", "TRAN"],
        "keywords": ["ZFE", "qualité de l'air", "Crit'Air", "circulation"],
        "licence": "etalab-2.0",
        "frequency": "IRREG",
        "spatial_granularity": "other",
        "table_schema": {
            "name": "zfe",
            "title": "Zones à faibles émissions",
            "version": "0.8.2",
            "url": SCDL + "etalab/schema-zfe/0.8.2/",
        },
        "source_name": "etalab/schema-zfe",
        "source_url": "https://github.com/etalab/schema-zfe",
        "attribution": "Etalab — schéma ZFE, Licence Ouverte 2.0.",
        "files": [
            ("zfe-zone.geojson", "Périmètre de la zone (GeoJSON)"),
            ("zfe-voies-speciales.geojson", "Voies à régime particulier (GeoJSON)"),
        ],
    },
    {
        "slug": "amenagements-cyclables",
        "title": "Aménagements cyclables",
        "organisation": "syndicat-mobilites-demo",
        "description": (
            "Pistes, bandes et voies vertes : type d'aménagement de chaque côté de la voie, revêtement, "
            "régime, gestionnaire.\n\nLivré en GeoJSON (WGS 84) et en Shapefile zippé en Lambert-93 "
            "(EPSG:2154), comme le produisent les SIG des collectivités."
        ),
        "producer": "Etalab (exemple et gabarit du schéma Aménagements cyclables)",
        "themes": ["TRAN"],
        "keywords": ["vélo", "pistes cyclables", "mobilité douce", "Lambert-93"],
        "licence": "etalab-2.0",
        "frequency": "QUARTERLY",
        "spatial_granularity": "other",
        "table_schema": {
            "name": "amenagements-cyclables",
            "title": "Aménagements cyclables",
            "version": "0.3.5",
            "url": SCDL + "etalab/schema-amenagements-cyclables/0.3.5/",
        },
        "source_name": "etalab/schema-amenagements-cyclables",
        "source_url": "https://github.com/etalab/schema-amenagements-cyclables",
        "attribution": "Etalab — schéma Aménagements cyclables, Licence Ouverte 2.0.",
        "files": [
            ("amenagements-cyclables.geojson", "Aménagements (GeoJSON)"),
            ("amenagements-cyclables-lambert93.shp.zip", "Aménagements (Shapefile Lambert-93)"),
        ],
    },
    {
        "slug": "adresses-bal-strasbourg",
        "title": "Base Adresse Locale (extrait de Strasbourg)",
        "organisation": "ville-de-lorval-demo",
        "description": (
            "Adresses (voie, numéro, suffixe, position, parcelles cadastrales) au format Base Adresse Locale "
            "1.x, qui alimente la Base Adresse Nationale.\n\nDeux exports du même extrait : UTF-8 avec BOM, "
            "et Windows-1252 tel que le produit un tableur ancien."
        ),
        "producer": "Base Adresse Nationale (jeux de test du validateur BAL)",
        "themes": ["REGI"],
        "keywords": ["adresses", "BAL", "voies", "Strasbourg"],
        "licence": "mit",
        "frequency": "WEEKLY",
        "spatial_coverage": "Strasbourg",
        "spatial_code": "67482",
        "spatial_granularity": "point",
        "source_name": "BaseAdresseNationale/validateur-bal",
        "source_url": "https://github.com/BaseAdresseNationale/validateur-bal",
        "attribution": "Base Adresse Nationale — validateur-bal (licence MIT).",
        "files": [
            ("bal-strasbourg.csv", "Adresses (CSV UTF-8)"),
            ("bal-strasbourg-extrait.cp1252.csv", "Adresses (CSV Windows-1252)"),
        ],
    },
    {
        "slug": "contours-departements",
        "title": "Contours simplifiés des départements",
        "organisation": "ca-val-de-loire-demo",
        "description": "Contours simplifiés des départements de France métropolitaine, en GeoJSON (WGS 84).",
        "producer": "IGN et INSEE, via gregoiredavid/france-geojson",
        "themes": ["REGI"],
        "keywords": ["départements", "contours", "limites administratives", "géographie"],
        "licence": "etalab-2.0",
        "frequency": "NEVER",
        "spatial_coverage": "France métropolitaine",
        "spatial_code": "FR",
        "spatial_granularity": "departement",
        "source_name": "gregoiredavid/france-geojson",
        "source_url": "https://github.com/gregoiredavid/france-geojson",
        "attribution": "IGN — Admin Express ; INSEE. Mise en forme : france-geojson.",
        "files": [("departements.geojson", "Départements (GeoJSON)")],
    },
]
