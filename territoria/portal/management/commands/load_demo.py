from django.core.management.base import BaseCommand, CommandParser

from territoria.portal.demo import loader
from territoria.portal.demo.people import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Charge la collectivité de démonstration et ses jeux de données (peut être relancé sans doublon)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-data", action="store_true", help="métadonnées et fichiers seulement, sans créer de versions"
        )

    def handle(self, *args: object, **options: object) -> None:
        counts = loader.load(with_data=not options["without_data"])
        self.stdout.write(
            self.style.SUCCESS(
                "Démo chargée : {organisations} organisations, {datasets} jeux de données, "
                "{resources} fichiers, {versions} versions de données créées, {atlas_actions} fiches-actions dans "
                "l'atlas (/atlas/).".format(**counts)
            )
        )
        if not counts["accounts"]:
            self.stdout.write("Comptes de démonstration non créés (TERRITORIA_ENV=production).")
            return
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, spec in ACCOUNTS.items():
            self.stdout.write(f"  {username:<13} {spec['what']}")
