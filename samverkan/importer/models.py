"""Uploaded minutes on their way in: the parsed content waits here, owned by the uploader, until confirmed."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.followthrough.models import Assignment, Recommendation
from samverkan.meetings.models import Meeting
from samverkan.structure.models import Body


def upload_path(record, filename):
    # Never the uploaded name: it is shown, not trusted. A random name keeps other users from guessing it.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportBatch(models.Model):
    """One uploaded ZIP: its files become one ImportRecord each."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="import_batches", verbose_name=_("organ"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uppladdad av")
    )
    original_name = models.CharField(_("filnamn"), max_length=300)
    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    # Importing the files: started, last sign of life (after each file), finished; or found interrupted.
    started_at = models.DateTimeField(_("import påbörjad"), null=True, blank=True)
    alive_at = models.DateTimeField(_("senast aktiv"), null=True, blank=True)
    finished_at = models.DateTimeField(_("import klar"), null=True, blank=True)
    interrupted_at = models.DateTimeField(_("import avbruten"), null=True, blank=True)
    discarded = models.PositiveIntegerField(_("borttagna filer efter avbrott"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ZIP-import")
        verbose_name_plural = _("ZIP-importer")

    def __str__(self):
        return self.original_name

    @property
    def is_running(self):
        return bool(self.started_at and not self.finished_at and not self.interrupted_at)


class ImportRecord(models.Model):
    """One uploaded document of minutes: the file and its parse while pending, and what it became.

    `parsed` is the parser's object (FORMAT.md, with each item's text); its assignments and recommendations
    become follow-through records when the import is confirmed; `assignments` and `recommendations` are the
    ones it created (a later import into the same meeting replaces them while none has been followed up).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        FAILED = "failed", _("Kunde inte läsas")
        IMPORTED = "imported", _("Importerat")
        UPDATED = "updated", _("Uppdaterade ett befintligt möte")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="imports", verbose_name=_("organ"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uppladdad av")
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="records", verbose_name=_("ZIP")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("fil"), upload_to=upload_path, max_length=300, blank=True)
    original_name = models.CharField(_("filnamn"), max_length=300)
    content_type = models.CharField(_("filtyp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("storlek (byte)"), default=0)
    sha256 = models.CharField(_("kontrollsumma"), max_length=64, db_index=True)
    parsed = models.JSONField(_("tolkat innehåll"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports", verbose_name=_("möte")
    )
    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    imported_at = models.DateTimeField(_("importerad"), null=True, blank=True)
    assignments = models.ManyToManyField(
        Assignment, blank=True, related_name="imports", verbose_name=_("skapade uppdrag")
    )
    recommendations = models.ManyToManyField(
        Recommendation, blank=True, related_name="imports", verbose_name=_("skapade rekommendationer")
    )
    followthrough_note = models.TextField(_("om uppföljningen"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("protokollimport")
        verbose_name_plural = _("protokollimporter")

    def __str__(self):
        return self.original_name

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_done(self):
        return self.status in (self.Status.IMPORTED, self.Status.UPDATED)
