from django.core.management.base import BaseCommand

from territoria.portal.demo import loader


class Command(BaseCommand):
    help = "Charge la collectivité de démonstration et ses jeux de données (peut être relancé sans doublon)."

    def handle(self, *args: object, **options: object) -> None:
        counts = loader.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Démo chargée : {organisations} organisations, {datasets} jeux de données, "
                "{resources} fichiers.".format(**counts)
            )
        )
