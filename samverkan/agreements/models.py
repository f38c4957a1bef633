"""The agreements register: agreements between the principals, their versions and follow-ups.

What can be derived is not stored. An agreement's stored `stage` is only what a person decides (draft or out for
consultation); "sent for adoption", "adopted", "in force", "expired" and "replaced" follow from its adoption (a
follow-through Recommendation with one PrincipalDecision per party), its validity dates and its successor
(`AgreementQuerySet.with_state`, `Agreement.status`).
"""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.followthrough.models import PrincipalDecision, Recommendation
from samverkan.lib.addresses import WebAddressed
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import OPEN_OR_INTERNAL, Area, Body, Principal

ADOPTED = PrincipalDecision.Outcome.ADOPTED  # only full adoption counts: "delvis bifall" leaves it not in force


def add_months(day: date, months: int) -> date:
    """`day` moved `months` calendar months on; the 31st becomes the month's last day (2026-01-31 + 1 → 02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Status(models.TextChoices):
    """An agreement's status as shown; only DRAFT and CONSULTATION are ever stored (`Agreement.stage`)."""

    DRAFT = "draft", _("Utkast")
    CONSULTATION = "consultation", _("På remiss")
    FOR_ADOPTION = "for_adoption", _("Skickad för antagande")
    ADOPTED = "adopted", _("Antagen, gäller inte ännu")
    IN_FORCE = "in_force", _("Gäller")
    EXPIRED = "expired", _("Har upphört")
    REPLACED = "replaced", _("Ersatt")


def _all_parties_adopted(agreement: str = "pk", adoption: str = "adoption_id") -> Q:
    """Q (on an agreement row, reached by the OuterRef names given) that it was sent for adoption, has parties,
    and every party has an adopting decision on the adoption's recommendation. No query of its own."""
    parties = Agreement.parties.through.objects.filter(agreement_id=OuterRef(agreement))
    adopted = PrincipalDecision.objects.filter(
        recommendation_id=OuterRef(OuterRef(adoption)), principal_id=OuterRef("principal_id"), outcome=ADOPTED
    )
    return Q(Exists(parties)) & ~Q(Exists(parties.filter(~Exists(adopted))))


class AgreementQuerySet(models.QuerySet):
    def with_state(self, today: date | None = None) -> "AgreementQuerySet":
        """Annotate `all_adopted` (every party adopted through the adoption recommendation) and `replaced` (a
        successor adopted by all its parties whose validity has begun) — the two facts `Agreement.status` needs
        beyond the row itself. Subqueries, no extra query."""
        today = today or timezone.localdate()
        adopted = _all_parties_adopted()
        successors = (
            Agreement.objects.filter(replaces_id=OuterRef("pk"), adoption__isnull=False)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
            .filter(_all_parties_adopted())
        )
        return self.annotate(
            all_adopted=models.ExpressionWrapper(Q(adoption__isnull=False) & adopted, models.BooleanField()),
            replaced=Exists(successors),
        )

    def with_status(self, status: str, today: date | None = None) -> "AgreementQuerySet":
        """Those whose derived status is `status` (a `Status` value), the same rule as `Agreement.status`."""
        today = today or timezone.localdate()
        rows = self if "all_adopted" in self.query.annotations else self.with_state(today)
        adopted = Q(all_adopted=True, replaced=False)
        rules = {
            Status.REPLACED: Q(replaced=True),
            Status.EXPIRED: adopted & Q(valid_to__lt=today),
            Status.ADOPTED: adopted & Q(valid_from__gt=today),
            Status.IN_FORCE: adopted
            & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=today)),
            Status.FOR_ADOPTION: Q(replaced=False, all_adopted=False, adoption__isnull=False),
            Status.DRAFT: Q(replaced=False, adoption__isnull=True, stage=Status.DRAFT),
            Status.CONSULTATION: Q(replaced=False, adoption__isnull=True, stage=Status.CONSULTATION),
        }
        return rows.filter(rules[Status(status)])


class Agreement(WebAddressed, models.Model):
    """An agreement between principals (överenskommelse, avtal, riktlinje, rutin), kept by an owner body.

    Its adoption IS a follow-through recommendation (`adoption`) to the parties: each party's PrincipalDecision
    gives its adoption date and § reference, and the agreement is in force only when every party has adopted and
    today is within `valid_from`–`valid_to` (`status`, derived). `replaces` chains it to the agreement it takes
    over from; the older one shows as replaced once this one is adopted and valid.
    """

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Överenskommelse")
        CONTRACT = "contract", _("Avtal")
        GUIDELINE = "guideline", _("Riktlinje")
        ROUTINE = "routine", _("Rutin")

    STORED_STAGES = [(Status.DRAFT.value, Status.DRAFT.label), (Status.CONSULTATION.value, Status.CONSULTATION.label)]

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("område"))
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    field_of_work = models.CharField(
        _("verksamhetsområde"), max_length=100, blank=True, help_text=_("T.ex. Hälso- och sjukvård, Socialtjänst.")
    )
    summary = models.TextField(_("sammanfattning"), blank=True)
    parties = models.ManyToManyField(Principal, related_name="agreements", blank=True, verbose_name=_("parter"))
    owner = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("ägs av organ"))
    stage = models.CharField(
        _("skede"),
        max_length=20,
        choices=STORED_STAGES,
        default=Status.DRAFT,
        help_text=_("Antagen, gäller, upphört och ersatt räknas fram från huvudmännens beslut och datumen."),
    )
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    follow_up_months = models.PositiveSmallIntegerField(
        _("följs upp var"), null=True, blank=True, help_text=_("Antal månader mellan uppföljningarna.")
    )
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    review_on = models.DateField(_("revideras senast"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("ersätter"),
    )
    adoption = models.OneToOneField(
        Recommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name=_("rekommendation om antagande"),
        editable=False,
    )
    visibility = models.CharField(_("synlighet"), max_length=20, choices=OPEN_OR_INTERNAL, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[parties])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")

    def __str__(self):
        return self.title

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "agreements_public:agreement", (self.area.slug, self.pk)

    @property
    def is_public(self) -> bool:
        """Whether anyone may read it: public itself and kept by a public body."""
        return self.visibility == Visibility.PUBLIC and self.owner.visibility == Visibility.PUBLIC

    def state(self, today: date | None = None) -> tuple[bool, bool]:
        """(all_adopted, replaced): the annotations of `with_state`, read from them when present, else queried."""
        if hasattr(self, "all_adopted") and hasattr(self, "replaced"):
            return bool(self.all_adopted), bool(self.replaced)
        row = Agreement.objects.with_state(today).values("all_adopted", "replaced").get(pk=self.pk)
        return bool(row["all_adopted"]), bool(row["replaced"])

    def status(self, today: date | None = None) -> Status:
        """The derived status: replaced > (all parties adopted: expired / adopted, not yet valid / in force) >
        sent for adoption > the stored stage. Mirrors `AgreementQuerySet.with_status`."""
        today = today or timezone.localdate()
        all_adopted, replaced = self.state(today)
        if replaced:
            return Status.REPLACED
        if all_adopted:
            if self.valid_to and self.valid_to < today:
                return Status.EXPIRED
            if self.valid_from and self.valid_from > today:
                return Status.ADOPTED
            return Status.IN_FORCE
        if self.adoption_id:
            return Status.FOR_ADOPTION
        return Status(self.stage)

    def follow_up_overdue(self, today: date | None = None) -> bool:
        return self.next_follow_up is not None and self.next_follow_up < (today or timezone.localdate())

    def review_overdue(self, today: date | None = None) -> bool:
        return self.review_on is not None and self.review_on < (today or timezone.localdate())

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.owner_id and self.area_id and self.owner.area_id != self.area_id:
            errors["owner"] = _("Organet måste höra till samma samverkansområde.")
        if self.follow_up_months is not None and not 1 <= self.follow_up_months <= 120:
            errors["follow_up_months"] = _("Ange ett intervall mellan 1 och 120 månader.")
        if self.follow_up_months and not self.next_follow_up:
            errors["next_follow_up"] = _("Ange när nästa uppföljning ska göras.")
        if self.replaces_id:
            if self.pk and self.replaces_id == self.pk:
                errors["replaces"] = _("En överenskommelse kan inte ersätta sig själv.")
            elif self.area_id and self.replaces.area_id != self.area_id:
                errors["replaces"] = _("Överenskommelsen måste höra till samma samverkansområde.")
            elif self.pk and self.pk in _predecessor_ids(self.replaces):
                errors["replaces"] = _("Det skulle bilda en cirkel av överenskommelser som ersätter varandra.")
        if errors:
            raise ValidationError(errors)


def _predecessor_ids(agreement: Agreement, limit: int = 100) -> set[int]:
    """Primary keys reached by following `replaces` from `agreement` (itself included), cycle-safe."""
    seen: set[int] = set()
    current: Agreement | None = agreement
    while current is not None and current.pk not in seen and len(seen) < limit:
        seen.add(current.pk)
        current = current.replaces
    return seen


def chain_of(agreement: Agreement, limit: int = 20) -> tuple[list[Agreement], list[Agreement]]:
    """(earlier, later): the agreements this one replaces, nearest first, and those that replace it, nearest
    first (following the first successor of each). One query per step; chains are short."""
    earlier: list[Agreement] = []
    later: list[Agreement] = []
    seen = {agreement.pk}
    current = agreement.replaces
    while current is not None and current.pk not in seen and len(earlier) < limit:
        seen.add(current.pk)
        earlier.append(current)
        current = current.replaces
    current = agreement.replaced_by.order_by("pk").first()
    while current is not None and current.pk not in seen and len(later) < limit:
        seen.add(current.pk)
        later.append(current)
        current = current.replaced_by.order_by("pk").first()
    return earlier, later


def version_path(version, filename):
    return f"agreements/{version.agreement_id}/versions/{filename}"


def follow_up_path(follow_up, filename):
    return f"agreements/{follow_up.agreement_id}/follow-ups/{filename}"


class AgreementVersion(models.Model):
    """One version of an agreement's text, as a document (PDF, DOCX or ODT, checked by the upload reader)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="versions", verbose_name=_("överenskommelse")
    )
    number = models.PositiveIntegerField(_("version"))
    dated = models.DateField(_("daterad"))
    note = models.CharField(_("vad som ändrats"), max_length=300, blank=True)
    file = models.FileField(_("dokument"), upload_to=version_path, max_length=300)
    original_name = models.CharField(_("filnamn"), max_length=255, editable=False)
    # Read by the worker for search (`tasks.read_version_text`), as a meeting document's text is.
    text = models.TextField(_("text"), blank=True, editable=False)
    created_at = models.DateTimeField(_("tillagd"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("version av överenskommelse")
        verbose_name_plural = _("versioner av överenskommelser")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")]

    def __str__(self):
        return f"{self.agreement} v{self.number}"


class FollowUp(models.Model):
    """A follow-up of an agreement (uppföljning): when, by which body, what was found, optionally a document."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("överenskommelse")
    )
    held_on = models.DateField(_("datum"))
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("följdes upp av")
    )
    finding = models.TextField(_("resultat"))
    document = models.FileField(_("dokument"), upload_to=follow_up_path, max_length=300, blank=True)
    original_name = models.CharField(_("filnamn"), max_length=255, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("uppföljning av överenskommelse")
        verbose_name_plural = _("uppföljningar av överenskommelser")

    def __str__(self):
        return f"{self.agreement}: {self.held_on}"

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("Uppföljningen kan inte ligga i framtiden.")
        if self.body_id and self.agreement_id and self.body.area_id != self.agreement.area_id:
            errors["body"] = _("Organet måste höra till samma samverkansområde.")
        if errors:
            raise ValidationError(errors)


class AgreementReminder(models.Model):
    """That the reminder of one due date (follow-up or review) of one agreement was claimed and sent: the unique
    constraint makes it once per due date, as follow-through's SentReminder does per object."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Uppföljning")
        REVIEW = "review", _("Revidering")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("datum"))
    claimed_at = models.DateTimeField(_("tagen"), default=timezone.now)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("antal mottagare"), default=0)

    class Meta:
        ordering = ["claimed_at"]
        verbose_name = _("påminnelse om överenskommelse")
        verbose_name_plural = _("påminnelser om överenskommelser")
        constraints = [models.UniqueConstraint(fields=["agreement", "kind", "due_on"], name="agreement_reminder_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}: {self.agreement}"
