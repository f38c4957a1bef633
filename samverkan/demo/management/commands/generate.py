"""`samverkan generate`: fill an empty database with generated data for the benchmark (demo/generate.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from samverkan.demo.generate import DEFAULT_SEED, SCALES, NotEmpty, Scale, generate


class Command(BaseCommand):
    help = "Fyll en tom databas med genererade data: ett län (county) eller hela landet (nation)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county", help="storlek (standard county)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="frö för slumptalen")
        parser.add_argument("--areas", type=int, default=None, help="antal samverkansområden (en del av nation)")

    def handle(self, *args, scale="county", seed=DEFAULT_SEED, areas=None, verbosity=1, **options):
        chosen = SCALES[scale]
        if areas is not None:
            if areas < 1:
                raise CommandError("--areas måste vara minst 1.")
            chosen = Scale(areas=areas, principals=chosen.principals, bodies=chosen.bodies, years=chosen.years)
        started = time.perf_counter()
        out = self.stdout.write if verbosity else None
        try:
            counts = generate(chosen, seed=seed, out=out)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Planner statistics for the rows just made, as PostgreSQL advises after a bulk load ("Populating a
            # Database": run ANALYZE afterwards). Without them every estimate is one row and the first pages
            # measured after generating choose nested loops over the whole nation (the board: 329 ms, 143 after).
            # VACUUM too: it sets the visibility map, without which an index-only scan reads every heap row it
            # finds; autovacuum would do it on a server where it is on (it is off on this machine's PostgreSQL).
            # Not inside a caller's transaction (a test's): its rows may roll back, while the row counts ANALYZE
            # writes to pg_class stay, and every later query in the database would be planned on them.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        seconds = time.perf_counter() - started
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Genererat ({scale}, frö {seed}) på {seconds:.1f} s:"))
            for name, count in sorted(counts.items()):
                self.stdout.write(f"  {name:<20} {count:>10,}".replace(",", " "))
