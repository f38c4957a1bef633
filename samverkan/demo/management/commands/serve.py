"""`samverkan serve`: migrate, load the demo county into an empty database, and run the server."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samverkan.demo.county import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Migrera, ladda demolänet om databasen är tom och starta servern."

    def add_arguments(self, parser):
        parser.add_argument("port", nargs="?", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, port, host, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not get_user_model().objects.exists():
            self.stdout.write("Tom databas: skapar demolänet …")
            call_command("demo", verbosity=0)
        address = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nSamverkan körs på {address}\n"))
        self.stdout.write(f"Demoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {description}")
        self.stdout.write("")
        call_command("runserver", f"{host}:{port}", use_reloader=False)
