"""Helpers for the importer tests: upload a file through the web, confirm a preview."""

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverkan.importer.models import ImportRecord
from tests.form_fields import form_data

# shared/ sits beside the repository, as for the parser's corpus test.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "minutes-import" / "corpus"
SAMPLES = Path(__file__).resolve().parent / "minutes" / "samples"
OWN = Path(__file__).resolve().parent / "importer_files"
MADE_UP = OWN / "chefsgruppen-2025-03-12.txt"


def upload(client, body, name, data):
    return client.post(reverse("importer:body", args=[body.pk]), {"file": SimpleUploadedFile(name, data)})


def upload_path(client, body, path):
    return upload(client, body, path.name, path.read_bytes())


def last_record():
    return ImportRecord.objects.order_by("-pk").first()


def review_data(client, record):
    """The preview's form as the page offers it: every default left as it is."""
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    return form_data(html, "review")


def confirm(client, record, action="create", *, tick_all=False, **fields):
    """Post the preview's form with its defaults (suggestions unticked unless `tick_all`), changed by `fields`;
    dates the page flags are confirmed."""
    plan_dates = (record.parsed or {}).get("dates") or []
    data = review_data(client, record) if record.is_pending else {}
    data["dates_confirmed"] = "on"
    if tick_all:
        data["assignments"] = [str(i) for i in range(len(record.parsed.get("assignments") or []))]
        data["recommendations"] = [str(i) for i in range(len(record.parsed.get("recommendations") or []))]
    data.update(
        {
            "date": next((d for d in plan_dates if not d.startswith("XXXX")), "2020-01-15"),
            "start": (record.parsed or {}).get("start_time") or "09:00",
            "end": (record.parsed or {}).get("end_time") or "",
            "kind": "notes" if (record.parsed or {}).get("document_kind") == "anteckningar" else "minutes",
            "visibility": "public",
            "action": action,
        }
    )
    data.update(fields)
    return client.post(reverse("importer:confirm", args=[record.pk]), data)


def zip_of(files):
    """A ZIP file's bytes from (name, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
