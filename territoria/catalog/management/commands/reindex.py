from django.core.management.base import BaseCommand

from territoria.catalog import search, services


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche plein texte du catalogue."

    def handle(self, *args: object, **options: object) -> None:
        count = search.rebuild()
        services.optimize_database()
        self.stdout.write(self.style.SUCCESS(f"Index reconstruit : {count} jeux de données."))
