from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "territoria.records"
    label = "records"
    verbose_name = "Enregistrements"
