"""Walks EVERY URL pattern the project declares, as every kind of person, against the ``catalogue`` fixture.

For each response: (a) no title of a dataset the person may not see appears in the body, (b) every
/api/ response with status >= 400 has the JSON error shape, and nothing answers 500.

A new URL pattern makes this test fail until SAMPLES says how to fill it: that is the point.
"""

from __future__ import annotations

import html
import json
import re
from typing import NamedTuple

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from territoria.accounts.models import Referent
from territoria.accounts.services import create_token
from territoria.catalog import services
from territoria.catalog.models import Keyword, Resource
from territoria.conftest import check_api_error, client_for
from territoria.ingest import pipeline
from territoria.ingest import services as ingest_services
from territoria.ingest.models import Job
from territoria.viz.models import Block, Chart, Dashboard

# Small allow-list of what the walker does not visit, with the reason.
SKIPPED = {
    "admin": "Django's admin site (whole namespace): staff only, everyone else is redirected to the login page; "
    "its dataset changelist goes through the access policy and is tested in catalog/tests/test_admin.py",
    "set_language": "Django's i18n language switch: POST-only redirect that shows no data; "
    "tested in portal/tests/test_i18n.py",
}

SLUGS = {
    "public": "equipements-sportifs",
    "internal": "budget-interne",
    "restricted": "dossiers-sociaux",
    "draft": "brouillon-velo",
    "other": "arbres-autre-ville",
    "metadata": "adresses-certification",
}
GEO_SLUG = "arbres-en-points"  # a public dataset with points, for the map samples (viz)
# Dashboards (viz) of each visibility; the titles of the non-public ones hold the keyword the walker looks for.
DASHBOARDS = {
    "public": "tableau-public",
    "internal": "tableau-interne",
    "restricted": "tableau-restreint",
    "draft": "tableau-brouillon",
}
# Blocks of the walk: the public dashboard has a block on each dataset; the others one on their own kind.
BLOCKS = ["public-public", "public-restricted", "public-metadata", "internal", "restricted", "draft"]

# Write endpoints that an empty request cannot satisfy (tested with real bodies in ingest/tests/test_api.py).
REFUSED_WHEN_EMPTY = {
    "catalog:api-grants": "needs a person or a group",
    "catalog:api-grant": "needs an existing grant (DELETE only; tested in catalog/tests/test_api_access.py)",
    "ingest:api-upload": "needs a file",
    "ingest:api-fetch": "needs a url",
    "ingest:api-remove-personal-data": "needs a column and an action",
}

# Pattern name -> sample kwargs. "{resource:KEY}" stands for the pk of the file attached to catalogue[KEY].
SAMPLES: dict[str, list[dict[str, str]]] = {
    "home": [{}],
    "api-reference": [{}],
    "openapi": [{}],
    "health": [{}],
    "accounts:login": [{}],
    "accounts:logout": [{}],
    "accounts:password-reset": [{}],
    "accounts:password-reset-done": [{}],
    "accounts:password-reset-confirm": [{"uidb64": "MQ", "token": t} for t in ("abc-123", "set-password")],
    "accounts:password-reset-complete": [{}],
    "accounts:password-change": [{}],
    "accounts:password-change-done": [{}],
    "accounts:oidc-authenticate": [{}],
    "accounts:oidc-callback": [{}],
    "accounts:account": [{}],
    "accounts:tokens": [{}],
    "accounts:token-revoke": [{"pk": "{resource:token}"}, {"pk": "999999"}],
    "accounts:api-me": [{}],
    "space": [{}],
    "referents": [{}],
    "referent": [{"pk": "{resource:referent}"}, {"pk": "999999"}],
    "manage-audit": [{"slug": "ville-test"}, {"slug": "autre-ville"}, {"slug": "no-such-org"}],
    "manage-audit-export": [{"slug": "ville-test"}, {"slug": "autre-ville"}, {"slug": "no-such-org"}],
    "manage-audit-all": [{}],
    "manage-audit-all-export": [{}],
    "catalog:search": [{}],
    "catalog:dataset": [{"slug": slug} for slug in SLUGS.values()] + [{"slug": "no-such-dataset"}],
    "catalog:api-access": [{"dataset_id": slug} for slug in SLUGS.values()] + [{"dataset_id": "no-such-dataset"}],
    "catalog:api-grants": [{"dataset_id": slug} for slug in SLUGS.values()],
    "catalog:api-grant": [{"dataset_id": slug, "grant_id": "999999"} for slug in SLUGS.values()],
    "catalog:sharing": [{"slug": slug} for slug in SLUGS.values()] + [{"slug": "no-such-dataset"}],
    "catalog:download": [{"slug": SLUGS[key], "pk": f"{{resource:{key}}}"} for key in SLUGS]
    + [
        {"slug": SLUGS["public"], "pk": "{resource:restricted}"},  # a hidden file through a visible dataset
        {"slug": SLUGS["public"], "pk": "{resource:link}"},
        {"slug": SLUGS["public"], "pk": "999999"},
    ],
    "catalog:organisations": [{}],
    "catalog:organisation": [{"slug": "ville-test"}, {"slug": "autre-ville"}, {"slug": "no-such-org"}],
    "catalog:organisation-logo": [{"slug": "ville-test"}, {"slug": "autre-ville"}, {"slug": "no-such-org"}],
    "catalog:api-datasets": [{}],
    "catalog:api-dataset": [{"dataset_id": slug} for slug in SLUGS.values()] + [{"dataset_id": "no-such-dataset"}],
    "catalog:api-facets": [{}],
    "catalog:api-exports": [{"format": f} for f in ("csv", "json", "jsonl", "xlsx")],
    "ingest:upload": [{"slug": slug} for slug in SLUGS.values()],
    "ingest:job": [{"job_id": "{resource:job-public}"}, {"job_id": "{resource:job-restricted}"}, {"job_id": "999999"}],
    "ingest:publish": [{"slug": slug, "number": "1"} for slug in SLUGS.values()],
    "ingest:remove-personal-data": [{"slug": slug, "number": "1"} for slug in SLUGS.values()],
    "ingest:api-upload": [{"dataset_id": slug} for slug in SLUGS.values()],
    "ingest:api-fetch": [{"dataset_id": slug} for slug in SLUGS.values()],
    "ingest:api-versions": [{"dataset_id": slug} for slug in SLUGS.values()] + [{"dataset_id": "no-such-dataset"}],
    "ingest:api-version": [{"dataset_id": slug, "number": "1"} for slug in SLUGS.values()],
    "ingest:api-publish": [{"dataset_id": slug, "number": "1"} for slug in SLUGS.values()],
    "records:api-records": [{"dataset_id": slug} for slug in SLUGS.values()] + [{"dataset_id": "no-such-dataset"}],
    "records:api-record": [{"dataset_id": slug, "record_id": r} for slug in SLUGS.values() for r in ("1", "999999")],
    "records:api-facets": [{"dataset_id": slug} for slug in SLUGS.values()],
    "records:api-export": [
        {"dataset_id": slug, "format": f}
        for slug in SLUGS.values()
        for f in ("csv", "json", "jsonl", "geojson", "xlsx", "parquet", "shp", "xls")
    ],
    "ingest:api-remove-personal-data": [{"dataset_id": slug, "number": "1"} for slug in SLUGS.values()],
    "ingest:api-job": [
        {"job_id": "{resource:job-public}"},
        {"job_id": "{resource:job-restricted}"},
        {"job_id": "999999"},
    ],
    "ingest:api-retry": [
        {"job_id": "{resource:job-public}"},
        {"job_id": "{resource:job-restricted}"},
        {"job_id": "999999"},
    ],
    "viz:table": [{"slug": slug} for slug in SLUGS.values()] + [{"slug": "no-such-dataset"}],
    "viz:chart": [{"slug": slug} for slug in SLUGS.values()] + [{"slug": "no-such-dataset"}],
    "viz:map": [{"slug": slug} for slug in [*SLUGS.values(), GEO_SLUG]] + [{"slug": "no-such-dataset"}],
    "viz:api": [{"slug": slug} for slug in SLUGS.values()] + [{"slug": "no-such-dataset"}],
    "viz:saved-chart": [{"pk": f"{{resource:chart-{key}}}"} for key in ("public", "restricted", "metadata")]
    + [{"pk": "00000000-0000-0000-0000-000000000000"}],
    "viz:api-map": [{"dataset_id": slug} for slug in [*SLUGS.values(), GEO_SLUG]] + [{"dataset_id": "no-such-dataset"}],
    "viz:dashboards": [{}],
    "viz:dashboard-new": [{}],
    "viz:dashboard": [{"slug": slug} for slug in DASHBOARDS.values()] + [{"slug": "no-such-dashboard"}],
    "viz:dashboard-edit": [{"slug": slug} for slug in DASHBOARDS.values()] + [{"slug": "no-such-dashboard"}],
    "viz:dashboard-delete": [{"slug": slug} for slug in DASHBOARDS.values()],
    "viz:block-add": [{"slug": slug} for slug in DASHBOARDS.values()],
    "viz:block-edit": [{"slug": DASHBOARDS[key.partition("-")[0]], "pk": f"{{resource:block-{key}}}"} for key in BLOCKS]
    + [{"slug": DASHBOARDS["public"], "pk": "{resource:block-restricted}"}],  # a hidden block through a visible page
    "viz:block-move": [
        {"slug": DASHBOARDS[key.partition("-")[0]], "pk": f"{{resource:block-{key}}}"} for key in BLOCKS
    ],
    "viz:block-delete": [
        {"slug": DASHBOARDS[key.partition("-")[0]], "pk": f"{{resource:block-{key}}}"} for key in BLOCKS
    ],
    "viz:embed-dashboard": [{"slug": slug} for slug in DASHBOARDS.values()] + [{"slug": "no-such-dashboard"}],
    "viz:embed-block": [{"pk": f"{{resource:block-{key}}}"} for key in BLOCKS] + [{"pk": "999999"}],
    # Atlas: a published action linked to every dataset (its page must list only the visible ones) and a
    # submitted one of no organisation, titled with the draft's keyword, that only moderators may see.
    **{
        f"atlas:{name}": [{"pk": "{resource:action-public}"}, {"pk": "{resource:action-waiting}"}, {"pk": "999999"}]
        for name in ("action", "edit", "moderate")
    },
    **{
        f"atlas:{name}": [{}]
        for name in (
            "explore",
            "submit",
            "moderation",
            "import",
            "import-template",
            "atlases",
            "atlas-create",
            "observatory",
            "referentials",
            "referential-import",
            "api-actions",
            "api-facets",
            "api-map",
            "api-referentials",
            "api-classify",
            "api-observatory",
        )
    },
    "atlas:atlas": [{"slug": "atlas-test"}, {"slug": "no-such-atlas"}],
    "atlas:embed": [{"slug": "atlas-test"}, {"slug": "no-such-atlas"}],
    "atlas:referential": [{"slug": "territoria"}, {"slug": "no-such-referential"}],
    "atlas:referential-export": [{"slug": "territoria", "format": f} for f in ("csv", "xlsx", "pdf")],
    "atlas:api-action": [{"pk": "{resource:action-public}"}, {"pk": "{resource:action-waiting}"}, {"pk": "999999"}],
    "atlas:api-export": [{"format": f} for f in ("csv", "geojson", "xls")],
    "atlas:api-referential": [{"slug": "territoria"}, {"slug": "no-such-referential"}],
    "atlas:api-referential-export": [{"slug": "territoria", "format": f} for f in ("csv", "xlsx", "pdf")]
    + [{"slug": "no-such-referential", "format": "csv"}],
}

# Extra query strings for some patterns (the first, "", is always requested).
QUERIES: dict[str, list[str]] = {
    "records:api-records": [
        'where="covoiturage"',
        "where=nope+%3D+1",
        "limit=1000",
        "group_by=nope",
        "select=count(*)",
    ],
    "records:api-facets": ["facet=nope"],
    "records:api-export": ["delimiter=%3B&with_bom=true", "where=x+%3D"],
    "catalog:search": [
        "q=budget",
        "q=dossiers+sociaux",
        "q=comptages+velo",
        "q=ville",
        "theme=ECON",
        "theme=SOCI",
        "keyword=budget",
        "publisher=ville-test",
        "sort=-popularity",
        "sort=-modified&page=2",
    ],
    "catalog:api-datasets": [
        "limit=-1",
        "where=%22budget%22",
        "where=%22ville%22&limit=100",
        'where=title+like+"*"',
        "refine=keyword:budget",
        "refine=publisher:ville-test&order_by=popularity+desc",
        "exclude=theme:EDUC",
        "lang=en",
        "where=titl+%3D+1",  # errors must keep the JSON shape
        "where=title+%3D",
        "limit=abc",
        "limit=1000",
        "offset=9999&limit=10",
        "refine=nope:x",
        "refine=theme",
        "unknown=1",
    ],
    "catalog:api-facets": ["facet=keyword", "facet=theme&refine=theme:ECON", "where=%22budget%22", "facet=nope"],
    "catalog:api-dataset": ["lang=en", "limit=1"],
    "catalog:api-exports": [
        "where=%22budget%22",
        "refine=keyword:budget",
        "exclude=theme:EDUC&order_by=title+desc",
        "delimiter=%3B&with_bom=true",
        "where=title+%3D",
        "limit=5",
    ],
    "catalog:dataset": ["lang=en"],
    "viz:table": ["q=covoiturage&tri=-nom_lieu&refine=type:x", "f_nbre_pl=%3E2", "page=2"],
    "viz:chart": ["type=bar&x=type", "type=pie&x=nom", "type=bar&x=nope", "type=line&x=type&where=x+%3D"],
    "viz:map": ["valeur=nope"],
    "viz:api-map": ["bbox=abc", "zoom=99", "bbox=-5,40,10,52&zoom=5", "where=nope+%3D+1", "value=nope"],
    "viz:dashboard": ["theme=x", "theme=x&periode=2024", "periode=hier"],
    "viz:embed-dashboard": ["theme=x"],
    "viz:block-add": [
        "type=table",
        f"type=table&jeu={SLUGS['restricted']}",
        f"type=chart&jeu={SLUGS['internal']}",
        f"type=kpi&jeu={SLUGS['metadata']}",
        "type=map",
        "type=text",
    ],
    "viz:block-edit": [f"jeu={SLUGS['internal']}"],
    "manage-audit": ["action=download", "person=owner&start=2000-01-01&end=2100-01-01", "page=2"],
    "manage-audit-all": ["organisation=autre-ville", "action=api-read"],
    "referents": ["q=dossiers+sociaux", "q=social", "theme=SOCI", "q=camille", "service=Action+sociale"],
    "atlas:explore": ["q=fiche", "q=numerique&enjeu=E15", "departement=35&annee=2023", "page=2"],
    "atlas:api-actions": ["q=fiche", "facets=true", "limit=1000", "nope=1", "enjeu=E15&statut=done"],
    "atlas:api-facets": ["q=fiche"],
    "atlas:api-map": ["q=fiche"],
    "atlas:api-export": ["q=fiche"],
    "atlas:api-classify": ["text=espace+public+num%C3%A9rique", "text="],
    "atlas:atlas": ["annee=2023"],
}

# What each kind of person must never see (written out from the access rules, not derived from the code).
# Titles and keywords (facet values) are metadata: the metadata-only dataset's are public.
FORBIDDEN = {
    "anonymous": {"internal", "restricted", "draft"},
    "outsider": {"internal", "restricted", "draft"},
    "member": {"restricted", "draft"},
    "editor": set(),
    "administrator": set(),
    "superuser": set(),
}
# Rows and files: a sentinel value in each non-public dataset's data and file.
FORBIDDEN_DATA = {
    "anonymous": {"internal", "restricted", "draft", "metadata"},
    "outsider": {"internal", "restricted", "draft", "metadata"},
    "member": {"restricted", "draft", "metadata"},
    "editor": set(),
    "administrator": set(),
    "superuser": set(),
}
SENTINELS = ("internal", "restricted", "draft", "metadata")


def sentinel(key: str) -> str:
    return f"SENTINELLE{key.upper()}"


def keyword(key: str) -> str:
    return f"motcle{key}"


def declared_patterns(patterns=None, namespace: str = "", prefix: str = ""):
    """Yield (name, route) for every URL pattern, recursively; skipped namespaces and names are left out."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIPPED:
                continue
            inner = f"{namespace}{ns}:" if ns else namespace
            yield from declared_patterns(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.name in SKIPPED:
                continue
            yield (f"{namespace}{entry.name}" if entry.name else None), "/" + prefix + str(entry.pattern)


def variants(title: str) -> set[str]:
    """How a title may be written in an HTML page or a JSON document."""
    return {title, html.escape(title), html.escape(title, quote=False), json.dumps(title)[1:-1]}


def body_of(response) -> str:
    # Consuming streaming_content closes a streaming response (test client wrapper).
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return data.decode("utf-8", errors="replace")


@pytest.fixture
def walk_world(catalogue, org, owner, settings, tmp_path, demo_file, make_dataset):
    settings.MEDIA_ROOT = tmp_path / "media"
    org.logo.save("logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    catalogue["metadata"] = make_dataset(
        SLUGS["metadata"], "Adresses en cours de certification", visibility="metadata", themes=["REGI"]
    )
    files = {}
    for key in SENTINELS:
        files[key] = tmp_path / f"donnees-{key}.csv"
        files[key].write_text(f"code;nom;valeur\n1;{sentinel(key)};10\n2;{sentinel(key)}-B;20\n", encoding="utf-8")
        catalogue[key].keywords.add(Keyword.objects.create(name=keyword(key)))
    resources = {
        key: services.attach_file(d, files.get(key) or demo_file("friches.csv"), title=f"Fichier {key}")
        for key, d in catalogue.items()
    }
    resources["link"] = Resource.objects.create(
        dataset=catalogue["public"], title="Lien", kind="link", url="https://example.org/lien"
    )
    pks = {key: resource.pk for key, resource in resources.items()}
    # A published version on every dataset (the non-public ones hold a sentinel) and a failed job on a visible
    # and on a hidden dataset.
    for key in catalogue:
        done = ingest_services.submit_path(
            catalogue[key],
            files.get(key) or demo_file("lieux-covoiturage.csv"),
            publish=key != "draft",  # publishing would take the draft out of draft
            queue=False,
        )
        pipeline.run(done.pk)
    for key in ("public", "restricted"):
        failed = ingest_services.submit_path(catalogue[key], demo_file("friches.csv"), queue=False)
        Job.objects.filter(pk=failed.pk).update(status=Job.Status.FAILED, message="interrompue")
        pks[f"job-{key}"] = failed.pk
    # A referent looking after the public and the restricted dataset: their card must not list the latter to a
    # person who may not see it (nor find them through its words).
    referent = Referent.objects.create(
        organisation=org, name="Camille Martin", service="Action sociale", email="camille@example.org", phone="0299"
    )
    for key in ("public", "restricted"):
        catalogue[key].referent = referent
        catalogue[key].save(update_fields=["referent"])
    pks["referent"] = referent.pk
    pks["token"] = create_token(owner, "Tableau de bord", "read")[0].pk  # only its owner may revoke it
    # Visualisation (viz): saved charts on a visible and on hidden datasets, and a public dataset with points.
    for key, column in (("public", "type"), ("restricted", "nom"), ("metadata", "nom")):
        config = {"type": "bar", "x": column}
        pks[f"chart-{key}"] = Chart.objects.create(dataset=catalogue[key], title=f"Graphique {key}", config=config).pk
    geo = make_dataset(GEO_SLUG, "Arbres en points")
    pipeline.run(ingest_services.submit_path(geo, demo_file("arbres-urbains.csv"), publish=True, queue=False).pk)
    # Dashboards (viz): the public one has a block of each kind on each dataset and a filter whose values come
    # from the data of the blocks; the non-public ones are titled with the keyword of their visibility.
    now = timezone.now()
    boards = {
        key: Dashboard.objects.create(
            organisation=org,
            slug=slug,
            title=f"Tableau {keyword(key)}" if key != "public" else "Tableau de bord public",
            visibility=key if key in {"internal", "restricted"} else "public",
            published=None if key == "draft" else now,
            filters={"theme": {"label": "Nom"}, "period": {"label": "Année"}},
        )
        for key, slug in DASHBOARDS.items()
    }
    mapping = {"theme": "nom"}
    for position, key in enumerate(catalogue):
        slug = catalogue[key].slug
        for kind, config in (
            ("table", {"dataset": slug, "filters": mapping}),
            ("kpi", {"dataset": slug, "aggregation": "sum", "column": "valeur", "filters": mapping}),
            ("chart", {"dataset": slug, "chart": {"type": "bar", "x": "nom"}, "filters": mapping}),
        ):
            block = Block.objects.create(
                dashboard=boards["public"], kind=kind, position=position, title=f"Bloc {position}", config=config
            )
            if kind == "table" and key in {"public", "restricted", "metadata"}:
                pks[f"block-public-{key}"] = block.pk
    Block.objects.create(dashboard=boards["public"], kind="map", position=90, config={"dataset": GEO_SLUG})
    Block.objects.create(dashboard=boards["public"], kind="text", position=91, config={"text": "Un **texte**."})
    for key in ("internal", "restricted", "draft"):
        block = Block.objects.create(
            dashboard=boards[key], kind="table", title=f"Bloc {keyword(key)}", config={"dataset": catalogue[key].slug}
        )
        pks[f"block-{key}"] = block.pk
    # Atlas (see SAMPLES): the classification needs the default referential that migrate installs.
    from territoria.atlas import actions as atlas_actions
    from territoria.atlas import referentials as atlas_referentials
    from territoria.atlas.models import Action, ThematicAtlas

    referential = atlas_referentials.current()
    public_action = Action(
        referential=referential,
        title="Espace public numérique",
        summary="Un EPN.",
        collectivite="Ville de Test",
        insee="35238",
        state=Action.State.PUBLISHED,
        contact_service="Numérique",
        contact_name="Camille Martin",
    )
    atlas_actions.save(public_action, propose=False, datasets=list(catalogue.values()))
    waiting = Action(
        referential=referential,
        title=f"Fiche {keyword('draft')}",
        summary="En attente.",
        collectivite="X",
        insee="35238",
        state=Action.State.SUBMITTED,
    )
    atlas_actions.save(waiting, propose=False)
    pks["action-public"], pks["action-waiting"] = public_action.pk, waiting.pk
    ThematicAtlas.objects.create(slug="atlas-test", title="Atlas de test", filters={"departement": ["35"]})
    return pks


def fill(kwargs: dict[str, str], resource_pks: dict[str, int]) -> dict[str, str]:
    def one(value: str) -> str:
        match = re.fullmatch(r"\{resource:([\w-]+)\}", value)
        return str(resource_pks[match[1]]) if match else value

    return {key: one(value) for key, value in kwargs.items()}


def unknown_patterns(patterns=None) -> list[str]:
    """Messages for every declared pattern the walker cannot fill."""
    messages = []
    for name, route in declared_patterns(patterns):
        if name is None:
            messages.append(f"URL pattern with route {route!r} has no name: give it name=... so it can be walked.")
        elif name not in SAMPLES:
            messages.append(
                f"URL pattern {name!r} (route {route!r}) is unknown to the walker: add "
                f"SAMPLES[{name!r}] = [{{...kwargs...}}] (and QUERIES if useful) in {__file__}, "
                "or, if it shows no data, add it to SKIPPED with the reason."
            )
    return messages


class Walk(NamedTuple):
    problems: list[str]
    answered: dict[str, dict[str, set[int]]]  # person -> pattern name -> statuses
    requests: int
    shown: dict[str, set[str]]  # person -> datasets whose sentinel rows or files they were shown


def walk(people: dict, catalogue: dict, resource_pks: dict[str, int]) -> Walk:
    """Request every sample of every pattern as every person."""
    declared = [name for name, _route in declared_patterns()]
    problems: list[str] = []
    answered: dict[str, dict[str, set[int]]] = {}
    requests = 0
    shown: dict[str, set[str]] = {kind: set() for kind in people}
    for kind, user in people.items():
        client = client_for(user)
        forbidden = {key: variants(catalogue[key].title) | {keyword(key)} for key in FORBIDDEN[kind]}
        forbidden_data = {key: sentinel(key) for key in FORBIDDEN_DATA[kind]}
        answered[kind] = {name: set() for name in declared}
        for name in declared:
            for raw_kwargs in SAMPLES[name]:
                try:
                    target = reverse(name, kwargs=fill(raw_kwargs, resource_pks))
                except NoReverseMatch as error:
                    pytest.fail(f"SAMPLES[{name!r}] entry {raw_kwargs!r} does not fit the pattern: {error}")
                for method, query in [("get", q) for q in ["", *QUERIES.get(name, [])]] + [("post", "")]:
                    url = f"{target}?{query}" if query else target
                    response = getattr(client, method)(url)
                    requests += 1
                    if method == "post" and user is not None and "_auth_user_id" not in client.session:
                        client.force_login(user)  # signed out (accounts:logout): walk the rest as the same person
                    body = body_of(response)
                    where = f"{kind} {method.upper()} {url} -> {response.status_code}"
                    answered[kind][name].add(response.status_code)
                    if response.status_code >= 500:
                        problems.append(f"{where}: server error")
                    for key, spellings in forbidden.items():
                        if any(s in body for s in spellings):
                            problems.append(f"{where}: shows the title or a keyword of the {key} dataset")
                    for key, value in forbidden_data.items():
                        if value in body:
                            problems.append(f"{where}: shows rows or files of the {key} dataset")
                    shown[kind] |= {key for key in SENTINELS if sentinel(key) in body}
                    if target.startswith("/api/") and response.status_code >= 400:
                        try:
                            check_api_error(response)
                        except AssertionError as error:
                            problems.append(f"{where}: not the JSON error shape ({error}): {body[:200]!r}")
    return Walk(problems, answered, requests, shown)


def test_every_url_pattern_is_known_to_the_walker():
    messages = unknown_patterns()
    assert not messages, "\n".join(messages)
    stale = set(SAMPLES) - {name for name, _route in declared_patterns()}
    assert not stale, f"SAMPLES names patterns that no longer exist: {sorted(stale)}"
    assert len(SKIPPED) <= 3, "keep the allow-list small"


def test_a_new_pattern_makes_the_walker_fail():
    def view(request):  # pragma: no cover - never called
        raise AssertionError

    patterns = [
        *get_resolver().url_patterns,
        path("exports/<slug:slug>.csv", view, name="export-csv"),
        path("sans-nom/", view),
    ]
    messages = unknown_patterns(patterns)
    assert len(messages) == 2
    assert "'export-csv'" in messages[0] and "SAMPLES['export-csv']" in messages[0]
    assert "has no name" in messages[1]


@pytest.fixture
def people(owner, member, outsider, org_admin, admin_user):
    """The five kinds of person of the leak matrix, plus the superuser."""
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "editor": owner,
        "administrator": org_admin,
        "superuser": admin_user,
    }


@pytest.mark.django_db
def test_every_url_for_every_person(walk_world, catalogue, people):
    found = walk(people, catalogue, walk_world)
    assert not found.problems, "\n".join(found.problems)
    # Someone with the rights reaches a working page (a retry done by the owner leaves nothing to retry after).
    never_ok = [
        name
        for name in found.answered["superuser"]
        if not any(s < 400 for kind in ("editor", "superuser") for s in found.answered[kind][name])
        and name not in REFUSED_WHEN_EMPTY
    ]
    assert not never_ok, f"samples never reach a working page for the editor or the superuser: {never_ok}"
    assert found.requests > 300
    # The data checks are not vacuous: those who may read the sentinel rows are shown them somewhere.
    for kind in people:
        assert found.shown[kind] == set(SENTINELS) - FORBIDDEN_DATA[kind], kind


@pytest.mark.django_db
def test_the_walker_catches_a_leak(walk_world, catalogue, monkeypatch):
    from territoria.catalog.models import Dataset

    monkeypatch.setattr(services, "visible_datasets", lambda user: Dataset.objects.all())
    problems = walk({"anonymous": None}, catalogue, walk_world).problems
    assert any("GET /datasets/ -> 200: shows the title or a keyword of the internal dataset" in p for p in problems)
    assert any("/organisations/ville-test/ -> 200: shows the title or a keyword of the draft" in p for p in problems)


@pytest.mark.django_db
def test_the_walker_catches_a_data_leak(walk_world, catalogue, monkeypatch):
    from territoria.access import policy

    monkeypatch.setattr(policy, "_decide", lambda user, dataset, everyone: True)
    problems = walk({"anonymous": None}, catalogue, walk_world).problems
    records = reverse("records:api-records", kwargs={"dataset_id": SLUGS["metadata"]})
    assert any(f"GET {records} -> 200: shows rows or files of the metadata dataset" in p for p in problems)
    assert any("/download -> 200: shows rows or files of the metadata dataset" in p for p in problems)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "visible"),
    [
        ("anonymous", {"public", "other"}),
        ("outsider", {"public", "other"}),
        ("member", {"public", "other", "internal"}),
        ("owner", {"public", "other", "internal", "restricted", "draft"}),
        ("admin_user", {"public", "other", "internal", "restricted", "draft"}),
    ],
)
def test_the_walk_is_not_vacuous_allowed_titles_do_show(kind, visible, catalogue, request):
    user = None if kind == "anonymous" else request.getfixturevalue(kind)
    body = html.unescape(client_for(user).get("/datasets/").content.decode())
    assert {key for key, d in catalogue.items() if d.title in body} == visible
