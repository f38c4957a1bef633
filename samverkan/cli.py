"""The `samverkan` command: the project's own commands in front of Django's management commands."""

import os
import sys

USAGE = """Användning: samverkan KOMMANDO [ARGUMENT]

  demo                 skapa demolänet (om databasen är tom; --force skapar det ändå)
  serve [PORT]         migrera, ladda demodata vid behov och starta servern (gunicorn, standard 8000)
                       och bakgrundsarbetaren; Ctrl-C stoppar båda. --workers N --threads N
  import-minutes FIL   läs ett protokoll (text, DOCX, PDF); --json skriver ut resultatet som JSON;
                       med --body ID --user NAMN sparas det som utkast till organet (även en .zip)
  bench-minutes [MAPP] mät hur många protokoll per sekund tolken läser
  generate --scale S   fyll en tom databas med genererade data: tiny, small, county (ett län, tio år) eller
                       nation (21 län); --seed N, --areas N (en del av nation). Skriver ut vad som skapades
  bench --scale S      mät varje sidtyp på genererade data (servertid, frågor, byte, genomströmning) och skriv
                       bench/results.json och bench/results.md; --database postgres, --skip-generate,
                       --pages ORD …, --json
  send-reminders       lägg dagens påminnelser om uppdrag och rekommendationer i kön (för cron);
                       --now skickar dem direkt. Varje påminnelse skickas bara en gång
  send-alerts          lägg bevakningarnas sammanställningar som är klara i kön (för cron, t.ex. varje timme);
                       --now skickar dem direkt, --every SEKUNDER kör om och om igen. Varje period skickas en gång
  reindex              bygg om sökindexet från alla poster (det följer annars varje ändring själv)
  worker               kör bakgrundsarbetaren som skickar det som ligger i kön och läser ut text ur
                       handlingar; tar först tillbaka det en avbruten arbetare lämnade påbörjat
  manage ...           Djangos hanteringskommandon (migrate, createsuperuser …)
"""


def _django(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samverkan", *argv])
    return 0


# The options `import-minutes` hands to the Django command (`manage.py import_minutes`) when --body is given.
SAVE_OPTIONS = """
spara som utkast (körs genom Django, som webbimporten):
  --body ID     organets id; utan --body tolkas filen bara
  --user NAMN   inloggningen som står i historiken (krävs med --body)
  --update      uppdatera ett tidigare importerat möte
  --internal    nya möten blir interna"""


def import_help() -> str:
    """`import-minutes --help`: the parser's own options and those that save through the importer."""
    from samverkan.minutes.cli import build_parser

    return build_parser().format_help().rstrip() + "\n" + SAVE_OPTIONS


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    # The minutes parser needs no Django, so these start fast.
    if command == "import-minutes" and any(arg.split("=")[0] == "--body" for arg in rest):
        return _django(["import_minutes", *rest])
    if command == "import-minutes" and any(arg in ("-h", "--help") for arg in rest):
        print(import_help())
        return 0
    if command == "import-minutes":
        from samverkan.minutes.cli import main as import_main

        return import_main(rest)
    if command == "bench-minutes":
        from samverkan.minutes.bench import bench_main

        return bench_main(rest)
    if command == "bench":
        from samverkan.demo.bench_run import main as bench_main

        return bench_main(rest)
    if command == "generate":
        return _django(["generate", *rest])
    if command == "demo":
        return _django(["demo", *rest])
    if command == "serve":
        return _django(["serve", *rest])
    if command == "send-reminders":
        return _django(["send_reminders", *rest])
    if command == "send-alerts":
        return _django(["send_alerts", *rest])
    if command == "reindex":
        return _django(["reindex", *rest])
    if command == "worker":
        # What a killed worker left claimed is given back first, so it is retried (manage.py recover_interrupted).
        _django(["recover_interrupted"])
        return _django(["db_worker", *rest])
    if command == "manage":
        return _django(rest)
    print(f"Okänt kommando: {command}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
