"""`samverkan demo`: create the fictional demo county (Samverkan Norrlanda län) with people and logins."""

import time

from django.core.management.base import BaseCommand, CommandError

from samverkan.demo.county import DEMO_AREA_SLUG, DEMO_LOGINS, DEMO_PASSWORD, DemoExists, build_demo
from samverkan.meetings.models import Meeting
from samverkan.structure.models import Area, Body, Membership, Person


class Command(BaseCommand):
    help = "Skapa demolänet Samverkan Norrlanda län med huvudmän, organ, personer, uppdrag och inloggningar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Skapa demolänet även om databasen redan har andra samverkansområden.",
        )

    def handle(self, *args, force=False, verbosity=1, **options):
        if Area.objects.filter(slug=DEMO_AREA_SLUG).exists():
            if verbosity:
                self.stdout.write(
                    self.style.WARNING(f"Demolänet finns redan (samverkansområdet ”{DEMO_AREA_SLUG}”). Inget ändrades.")
                )
            return
        if Area.objects.exists() and not force:
            if verbosity:
                self.stdout.write(
                    self.style.WARNING(
                        "Databasen innehåller redan samverkansområden, så demolänet skapas inte. "
                        "Använd --force för att lägga till det ändå. Inget ändrades."
                    )
                )
            return
        started = time.perf_counter()
        try:
            area = build_demo()
        except DemoExists as error:
            raise CommandError(f"{error} Inget ändrades.") from error
        if not verbosity:
            return
        bodies = Body.objects.filter(area=area)
        people = Person.objects.filter(memberships__body__area=area).distinct().count()
        people_all = Person.objects.filter(employer__area=area).count()
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        self.stdout.write(self.style.SUCCESS(f"Demolänet {area.name} är skapat på {seconds} s:"))
        self.stdout.write(f"  {area.principals.count()} huvudmän")
        self.stdout.write(
            f"  {bodies.count()} samverkansorgan ({bodies.filter(visibility='internal').count()} interna, "
            f"{bodies.filter(dissolved__isnull=False).count()} upphört)"
        )
        self.stdout.write(f"  {people_all} personer ({people} med uppdrag i organ)")
        self.stdout.write(f"  {Membership.objects.filter(body__area=area).count()} uppdrag i organ")
        meetings = Meeting.objects.filter(body__area=area)
        published = meetings.filter(status=Meeting.Status.PUBLISHED).count()
        self.stdout.write(f"  {meetings.count()} möten ({published} med publicerade protokoll eller anteckningar)")
        self.stdout.write(f"\nInloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {description}")
