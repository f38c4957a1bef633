"""`samverkan import-minutes FILE --body ID --user NAME`: import minutes (or a ZIP of them) as draft meetings."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from samverkan.importer import actions
from samverkan.importer.models import ImportBatch
from samverkan.importer.save import ImportRefused, save_import
from samverkan.importer.upload import UploadError
from samverkan.lib.visibility import Visibility
from samverkan.minutes import MinutesError
from samverkan.structure.models import Body


class Command(BaseCommand):
    help = "Importera ett protokoll (eller en ZIP-fil med flera) till ett organ som utkast, som webbimporten gör."

    def add_arguments(self, parser):
        parser.add_argument("file", help="protokollet (.txt, .docx, .pdf) eller en .zip")
        parser.add_argument("--body", type=int, required=True, help="organets id")
        parser.add_argument("--user", required=True, help="inloggningen som står i historiken")
        parser.add_argument("--update", action="store_true", help="uppdatera ett tidigare importerat möte")
        parser.add_argument("--internal", action="store_true", help="nya möten blir interna")

    def handle(self, *args, file, body, user, update=False, internal=False, **options):
        body = Body.objects.filter(pk=body).first()
        if body is None:
            raise CommandError("Organet finns inte.")
        user = get_user_model().objects.filter(username=user).first()
        if user is None:
            raise CommandError("Inloggningen finns inte.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        visibility = Visibility.INTERNAL if internal else Visibility.PUBLIC
        with path.open("rb") as handle:
            try:
                result = actions.upload(body, user, File(handle, name=path.name))
            except (UploadError, MinutesError) as error:
                raise CommandError(f"{error} Inget har sparats.") from error
        if isinstance(result, ImportBatch):
            actions.import_batch(result, user, visibility=visibility)
            for record in result.records.order_by("pk"):
                self.stdout.write(f"{record.original_name}: {record.get_status_display()} {record.error}".rstrip())
            return
        try:
            meeting = save_import(result, user, actions.batch_choices(result.parsed, None, visibility), update=update)
        except ImportRefused as error:
            actions.discard(result)
            raise CommandError(str(error)) from error
        self.stdout.write(f"Importerat som utkast: möte {meeting.pk} ({meeting.items.count()} ärenden).")
