"""Public face of the atlas for the other parts (portal pages, demo, benchmark)."""

from territoria.atlas.actions import moderate, place, save
from territoria.atlas.explore import Filters, facets, map_points, published_actions, search, visible_actions
from territoria.atlas.proposals import classification, classifier, confirm, propose_text, store_proposal
from territoria.atlas.referentials import ReferentialError, current, import_rows, load_default, read_rows

__all__ = [
    "Filters",
    "ReferentialError",
    "classification",
    "classifier",
    "confirm",
    "current",
    "facets",
    "import_rows",
    "load_default",
    "map_points",
    "moderate",
    "place",
    "propose_text",
    "published_actions",
    "read_rows",
    "save",
    "search",
    "store_proposal",
    "visible_actions",
]
