"""`manage.py bench_pages`: time every page kind of the benchmark in-process (demo/bench.py); JSON out.

Run by `samverkan bench` under demo/bench_settings.py (DEBUG off, the floor view's URLconf) on a generated
database; it measures the first area.
"""

import json

from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from samverkan.demo.bench import bench_pages, measure
from samverkan.lib.process import settle
from samverkan.structure.models import Area


class Command(BaseCommand):
    help = "Mät serverns svarstid för varje sidtyp på genererade data (används av samverkan bench)."

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", default="", help="skriv resultatet som JSON hit")
        parser.add_argument("--pages", nargs="*", default=[], help="bara sidor vars namn innehåller något av orden")
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=4.0, help="högst så länge per sida (minst 3 varv)")

    def handle(self, *args, json_path="", pages=(), runs=20, seconds=4.0, verbosity=1, **options):
        area = Area.objects.order_by("pk").first()
        if area is None:
            self.stderr.write("Databasen har inga samverkansområden; kör samverkan generate först.")
            return
        try:
            floor_url = reverse("bench_floor")
        except NoReverseMatch:
            floor_url = None
        chosen = bench_pages(area, floor_url=floor_url)
        if pages:
            wanted = [w.lower() for w in pages]
            chosen = [p for p in chosen if p.kind == "floor" or any(w in p.name.lower() for w in wanted)]
        out = self.stdout.write if verbosity else None
        settle()  # as samverkan.wsgi does in a served process
        results = [r.as_dict() for r in measure(chosen, runs=runs, seconds=seconds, out=out)]
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump({"area": area.slug, "pages": results}, handle, ensure_ascii=False, indent=1)
