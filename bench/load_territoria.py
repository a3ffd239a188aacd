"""Load a generated catalogue (JSON written by catalog_bench) into Territoria through its own services.

Usage: python bench/load_territoria.py CATALOGUE.json

Run with the project's Python and TERRITORIA_DATA_DIR / TERRITORIA_DATABASE_URL pointing at
a migrated, empty database. Every dataset goes through catalog.services.save_dataset, so the
search index is fed by the same signals as in production.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    import django

    django.setup()
    from django.db import transaction

    from territoria.accounts.models import Organisation
    from territoria.catalog import services

    with open(path, encoding="utf-8") as stream:
        catalogue = json.load(stream)
    started = time.perf_counter()
    with transaction.atomic():
        organisations = {
            o["slug"]: Organisation.objects.create(slug=o["slug"], name=o["name"], kind=o["kind"])
            for o in catalogue["organisations"]
        }
        for entry in catalogue["entries"]:
            services.save_dataset(
                organisation=organisations[entry["organisation"]],
                slug=entry["slug"],
                licence=entry["licence"],
                themes=entry["themes"],
                keywords=entry["keywords"],
                title=entry["title"],
                description=entry["description"],
                modified=datetime.fromisoformat(entry["modified"]),
                published=datetime.fromisoformat(entry["published"]),
            )
    services.optimize_database()  # what any bulk import does: fresh planner statistics
    elapsed = time.perf_counter() - started
    print(json.dumps({"datasets": len(catalogue["entries"]), "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
