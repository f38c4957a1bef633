"""Roles that give a login rights beyond an anonymous visitor's."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.structure.models import Area, Body, Principal


class Role(models.Model):
    """A grant of one role in one scope: coordinator of an area, secretary of a body, contact of a principal.

    Administrators are Django superusers; members get their rights from their current memberships.
    """

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("Regional koordinator")
        SECRETARY = "secretary", _("Sekreterare")
        CONTACT = "contact", _("Huvudmannens kontaktperson")

    SCOPE_FIELD = {Kind.COORDINATOR: "area", Kind.SECRETARY: "body", Kind.CONTACT: "principal"}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("roll"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("område"))
    body = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organ"))
    principal = models.ForeignKey(
        Principal, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("huvudman")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="coordinator", area__isnull=False, body__isnull=True, principal__isnull=True)
                    | Q(kind="secretary", body__isnull=False, area__isnull=True, principal__isnull=True)
                    | Q(kind="contact", principal__isnull=False, area__isnull=True, body__isnull=True)
                ),
                name="role_has_exactly_its_scope",
            ),
            models.UniqueConstraint(fields=["user", "kind", "area", "body", "principal"], name="role_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}: {self.scope}"

    @property
    def scope(self):
        return getattr(self, self.SCOPE_FIELD[self.kind])

    def clean(self):
        needed = self.SCOPE_FIELD.get(self.kind)
        for field in ("area", "body", "principal"):
            if field == needed and getattr(self, f"{field}_id") is None:
                raise ValidationError({field: _("Rollen kräver att detta fält fylls i.")})
            if field != needed:
                setattr(self, field, None)
