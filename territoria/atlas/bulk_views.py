"""Bulk import of fiches-actions from an XLSX workbook: the import page (members of a collectivité and moderators)
and the template workbook to fill in (public: it holds only the column explanations and an example)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from territoria.access import services as access
from territoria.atlas import bulk, referentials
from territoria.atlas.manage import current_referential, require
from territoria.atlas.models import Item, Referential

REPORT_LIMIT = 500  # problems shown on the page; the count says how many more there are
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Classeur XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX, "aria-describedby": "id_file-help"}),
    )
    partial = forms.BooleanField(
        label=gettext_lazy("Importer les lignes valides"),
        required=False,
        help_text=gettext_lazy("Sans cette option, une seule ligne rejetée suffit pour que rien ne soit importé."),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_partial-help"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Au plus %(size)s Mo, %(actions)s fiches et %(rows)s lignes par feuille.") % {
            "size": bulk.MAX_FILE_SIZE // (1024 * 1024),
            "actions": bulk.MAX_ACTIONS,
            "rows": f"{bulk.MAX_ROWS:,}".replace(",", "\u202f"),
        }


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    refused = require(request, access.can_submit_actions(request.user))
    if refused:
        return refused
    referential = current_referential()
    form = ImportForm(request.POST or None, request.FILES or None)
    report: bulk.Report | None = None
    written = []
    partial = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        partial = bool(form.cleaned_data["partial"])
        if upload.size is not None and upload.size > bulk.MAX_FILE_SIZE:
            report = bulk.too_large()
        else:
            report = bulk.check(upload.read(), referential)
            written = bulk.write(report, user=request.user, referential=referential, partial=partial)
    context: dict[str, Any] = {"form": form, "report": report, "written": written, "partial": partial}
    if report is not None:
        problems = report.problems
        context.update(
            problems=problems[:REPORT_LIMIT],
            more=max(0, len(problems) - REPORT_LIMIT),
            n_errors=len(report.errors),
            n_warnings=len(report.warnings),
            n_rejected=len(report.rejected),
            n_valid=len(report.valid),
        )
    return render(request, "atlas/import.html", context)


@require_GET
def template_workbook(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(workbook(referentials.current()), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="modele-import-actions.xlsx"'
    return response


def workbook(referential: Referential | None) -> bytes:
    """The template: one sheet per kind of row, a header and one example row each, and an « Aide » sheet."""
    import xlsxwriter

    services = (
        list(referential.items.filter(level=Item.Level.SERVICE).select_related("parent__parent").order_by("position"))
        if referential
        else []
    )
    example_service = services[0] if services else None
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for spec in bulk.SHEETS:
        sheet = book.add_worksheet(spec.name)
        for c, column in enumerate(spec.columns):
            sheet.write_string(0, c, column.name, bold)
            sheet.write_comment(0, c, str(column.help))
            value = _example(spec.key, column, example_service)
            sheet.set_column(
                c,
                c,
                max(12, min(40, len(column.name) + 4)),
                text if column.kind in ("insee", "text", "phone") else None,
            )
            if isinstance(value, dt.date):
                sheet.write_datetime(1, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, float):
                sheet.write_number(1, c, value)
            elif value:
                sheet.write_string(1, c, str(value))
        sheet.freeze_panes(1, 0)
    _help_sheet(book, bold, wrap, services)
    book.close()
    return out.getvalue()


def _example(sheet: str, column: bulk.Column, service: Item | None) -> Any:
    if sheet == "services" and service is not None:
        return {"code": service.code, "libelle": service.label}.get(column.name, column.example)
    if sheet == "actions_services" and column.name == "service":
        return service.code if service is not None else ""
    return column.example


def _help_sheet(book: Any, bold: Any, wrap: Any, services: list[Item]) -> None:
    sheet = book.add_worksheet(_("Aide"))
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 90)
    sheet.write_string(0, 0, _("Importer des fiches-actions dans l'atlas"), bold)
    sheet.write_string(
        1,
        0,
        _(
            "Remplissez une ligne par fiche dans la feuille Actions (effacez les lignes d'exemple). Les feuilles "
            "Lieux, Personnes et Services sont facultatives ; les feuilles Actions_Lieux, Actions_Personnes et "
            "Actions_Services relient une action (sa ref) à un lieu, une personne ou un service. Les fiches "
            "importées attendent la modération avant d'être publiées. Si une ligne est rejetée, rien n'est "
            "importé, sauf si vous cochez « Importer les lignes valides ». Une formule est lue comme la valeur "
            "enregistrée par le tableur."
        ),
    )
    row = 3
    for c, title in enumerate((_("Feuille"), _("Colonne"), _("Obligatoire"), _("Explication"))):
        sheet.write_string(row, c, title, bold)
    for spec in bulk.SHEETS:
        row += 1
        sheet.write_string(row, 0, spec.name, bold)
        sheet.write_string(row, 3, str(spec.help), wrap)
        for column in spec.columns:
            row += 1
            sheet.write_string(row, 0, spec.name)
            sheet.write_string(row, 1, column.name)
            sheet.write_string(row, 2, _("oui") if column.required else _("non"))
            sheet.write_string(row, 3, str(column.help), wrap)
    row += 2
    sheet.write_string(row, 0, _("Services du référentiel en vigueur"), bold)
    row += 1
    for c, title in enumerate((_("Code"), _("Enjeu"), "", _("Libellé"))):
        sheet.write_string(row, c, title, bold)
    for service in services:
        row += 1
        enjeu = service.parent.parent if service.parent is not None else None
        sheet.write_string(row, 0, service.code)
        sheet.write_string(row, 1, enjeu.code if enjeu is not None else "")
        sheet.write_string(row, 3, service.label)
