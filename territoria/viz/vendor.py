"""Front-end libraries shipped by PyPI packages, served by Django's staticfiles under ``vendor/``.

Nothing is fetched from a CDN: each library comes from a Python package installed with the portal
(``pip install`` is the only install step). Only the files listed here are exposed, through
:class:`territoria.viz.finders.VendorFinder`, so ``collectstatic`` copies exactly these.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Library:
    prefix: str  # static path prefix: vendor/<name>
    title: str
    version: str
    licence: str
    package: str  # the PyPI package that ships the files
    module: str  # the Python package holding them
    subdir: str  # folder of the files inside that Python package
    files: tuple[str, ...]

    def base_dir(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(f"{self.package} is not installed (pip install {self.package})")
        return Path(next(iter(spec.submodule_search_locations))) / self.subdir

    def path(self, name: str) -> str:
        return f"{self.prefix}/{name}"


LIBRARIES = (
    Library(
        prefix="vendor/leaflet",
        title="Leaflet",
        version="1.9.3",
        licence="BSD-2-Clause",
        package="XStatic-Leaflet",
        module="xstatic.pkg.leaflet",
        subdir="data",
        files=(
            "leaflet.js",
            "leaflet.js.map",
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ),
    ),
    Library(
        prefix="vendor/leaflet-markercluster",
        title="Leaflet.markercluster",
        version="1.4.1",
        licence="MIT",
        package="XStatic-Leaflet-MarkerCluster",
        module="xstatic.pkg.leaflet_markercluster",
        subdir="data",
        # The -src build: the minified one names a source map its package does not ship, which
        # collectstatic's manifest storage would refuse.
        files=(
            "leaflet.markercluster-src.js",
            "leaflet.markercluster-src.js.map",
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
        ),
    ),
    Library(
        prefix="vendor/vega",
        title="Vega 5.33, Vega-Lite 5.23, vega-embed 6.29",
        version="5.33.0",
        licence="BSD-3-Clause",
        package="django-js-lib-vega-embed",
        module="js_lib_vega_embed",
        subdir="static/js_lib_vega_embed",
        files=("vega5.js", "vega-lite5.js", "vega-embed6.js"),
    ),
)
