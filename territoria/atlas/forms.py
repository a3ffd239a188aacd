"""Forms of the atlas: a fiche-action, moderation, a thematic atlas, a referential import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from territoria.atlas.models import Action, ThematicAtlas

ACTION_FIELDS = [
    "title",
    "summary",
    "description",
    "results",
    "recommendations",
    "tools",
    "status",
    "start_date",
    "end_date",
    "collectivite",
    "territory_type",
    "insee",
    "population",
    "lat",
    "lon",
    "contact_service",
    "contact_name",
    "contact_email",
    "contact_phone",
    "links",
    "images",
]


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ACTION_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "tools": forms.TextInput(attrs={"placeholder": _("WordPress | Publik | OpenStreetMap")}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "links": forms.Textarea(attrs={"rows": 2}),
            "images": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "insee": _("5 caractères, par exemple 35238 pour Rennes ; sert à placer l'action sur la carte."),
            "lat": _("Facultatif : sinon l'action est placée au centre de la commune."),
            "contact_name": _("Donnée personnelle : visible seulement des agents connectés des collectivités."),
        }

    def __init__(self, *args: Any, datasets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if datasets is not None:
            self.fields["datasets"] = forms.ModelMultipleChoiceField(
                queryset=datasets,
                required=False,
                label=_("Jeux de données liés"),
                widget=forms.SelectMultiple(attrs={"size": 6}),
                initial=self.instance.datasets.all() if self.instance.pk else None,
            )

    def clean_insee(self) -> str:
        code = (self.cleaned_data.get("insee") or "").strip().upper()
        if code and (len(code) != 5 or not code.replace("A", "0").replace("B", "0").isdigit()):
            raise forms.ValidationError(_("Un code INSEE a 5 caractères (chiffres, ou 2A/2B pour la Corse)."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Donnez la latitude et la longitude, ou aucune des deux."))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("lat", _("Une latitude est comprise entre -90 et 90."))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("lon", _("Une longitude est comprise entre -180 et 180."))
        if not data.get("insee") and lat is None:
            raise forms.ValidationError(_("Indiquez le code INSEE de la commune ou des coordonnées."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin précède le début."))
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("publish", _("Publier")), ("classify", _("Enregistrer le classement")), ("reject", _("Refuser"))]
    )
    enjeux = forms.MultipleChoiceField(label=_("Enjeux"), required=False)
    services = forms.MultipleChoiceField(label=_("Services"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, enjeux: list[tuple[str, str]], services: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["enjeux"].choices = enjeux  # type: ignore[attr-defined]
        self.fields["services"].choices = services  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in ("publish", "classify") and not (data.get("enjeux") and data.get("services")):
            raise forms.ValidationError(_("Choisissez au moins un enjeu et un service."))
        return data


class AtlasForm(forms.ModelForm):
    class Meta:
        model = ThematicAtlas
        fields = ["title", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ReferentialImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou XLSX"))
    slug = forms.SlugField(label=_("Identifiant"), max_length=80)
    name = forms.CharField(label=_("Nom"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    make_current = forms.BooleanField(label=_("En faire la version en vigueur"), required=False, initial=True)
