import json
from io import StringIO

from django.core.management import call_command


def test_atlas_evaluate_reports_accuracy_per_enjeu():
    out = StringIO()
    call_command("atlas_evaluate", "--json", "--without-demo", stdout=out)
    result = json.loads(out.getvalue())
    assert result["cases"] >= 300
    assert result["training_actions"] == 0
    assert len(result["per_enjeu"]) == 16
    assert 0 <= result["service_top1"] <= result["service_top3"] <= 1
    assert sum(row["cases"] for row in result["per_enjeu"].values()) == result["cases"]
