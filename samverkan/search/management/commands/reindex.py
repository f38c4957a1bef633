from django.core.management.base import BaseCommand

from samverkan.search.index import reindex_all


class Command(BaseCommand):
    help = "Bygger om sökindexet från alla poster. / Rebuilds the search index from every record."

    def handle(self, *args: object, **options: object) -> None:
        count = reindex_all()
        self.stdout.write(f"Sökindexet byggt: {count} poster. / Search index rebuilt: {count} entries.")
