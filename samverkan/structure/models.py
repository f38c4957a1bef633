"""The collaboration structure: areas, principals, bodies, people and their memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.lib.addresses import WebAddressed
from samverkan.lib.mail_queue import QueuedMail
from samverkan.lib.visibility import Visibility
from samverkan.lib.watched import WatchedUpdateQuerySet

# A body or a meeting is public or internal; only items and documents can be confidential.
OPEN_OR_INTERNAL = Visibility.choices_up_to(Visibility.INTERNAL)


class Area(WebAddressed, models.Model):
    """One county's collaboration (samverkansområde)."""

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn i adress"), max_length=80, unique=True)
    county = models.CharField(_("län"), max_length=100, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkansområde")
        verbose_name_plural = _("samverkansområden")

    def __str__(self):
        return self.name

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "portal:area", (self.slug,)


class Principal(WebAddressed, models.Model):
    """A member organisation (huvudman): the region, a municipality, an association."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Kommun")
        ASSOCIATION = "association", _("Kommunalförbund")
        OTHER = "other", _("Annan organisation")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="principals", verbose_name=_("område"))
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn i adress"), max_length=80)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
    website = models.URLField(_("webbplats"), blank=True)
    # Where dispatches of recommendations go (expediering, followthrough/dispatch.py), besides the contacts.
    registry_address = models.EmailField(
        _("registratur"),
        blank=True,
        help_text=_("Huvudmannens funktionsbrevlåda för inkommande handlingar, t.ex. registrator@kommun.se."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("huvudman")
        verbose_name_plural = _("huvudmän")
        constraints = [
            models.UniqueConstraint(fields=["area", "slug"], name="principal_slug_unique_in_area"),
            models.UniqueConstraint(fields=["area", "name"], name="principal_name_unique_in_area"),
        ]

    def __str__(self):
        return self.name

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "portal:principal", (self.area.slug, self.slug)


class BodyQuerySet(WatchedUpdateQuerySet["Body"]):
    """Body's QuerySet: follow-through stores copies of `area` and `visibility` (`lib.watched`)."""


class Body(WebAddressed, models.Model):
    """A collaboration body (samverkansorgan) with its charter and rules of procedure."""

    class Level(models.TextChoices):
        POLITICAL = "political", _("Politisk")
        OFFICIALS = "officials", _("Tjänstepersoner")
        MIXED = "mixed", _("Blandad")

    class Tier(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        SUBREGIONAL = "subregional", _("Delregional")
        LOCAL = "local", _("Lokal")

    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        COUNCIL = "council", _("Råd")
        STEERING_GROUP = "steering_group", _("Styrgrupp")
        PREPARATORY_GROUP = "preparatory_group", _("Beredningsgrupp")
        WORKING_GROUP = "working_group", _("Arbetsgrupp")
        NETWORK = "network", _("Nätverk")
        PROJECT = "project", _("Projekt")
        JOINT_COMMITTEE = "joint_committee", _("Gemensam nämnd")
        MUNICIPAL_ASSOCIATION = "municipal_association", _("Kommunalförbund")

    # Kommunallagen binds these: their decisions can be appealed (laglighetsprövning, KL 13 kap.), so their
    # notices carry an appeal period. A collaboration body that only recommends decides nothing to appeal.
    APPEALABLE_KINDS = frozenset({Kind.JOINT_COMMITTEE, Kind.MUNICIPAL_ASSOCIATION})

    class Authority(models.TextChoices):
        RECOMMENDS = "recommends", _("Rekommenderar (huvudmännen beslutar)")
        DECIDES = "decides", _("Beslutar inom sitt mandat")

    class Numbering(models.TextChoices):
        CONTINUOUS = "continuous", _("Löpande § genom året")
        PER_MEETING = "per_meeting", _("Punkter per möte (1, 2, 2.1 …)")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("område"))
    name = models.CharField(_("namn"), max_length=200)
    abbreviation = models.CharField(_("förkortning"), max_length=20, blank=True)
    slug = models.SlugField(_("kortnamn i adress"), max_length=80)
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices, default=Level.OFFICIALS)
    tier = models.CharField(_("geografisk nivå"), max_length=20, choices=Tier.choices, default=Tier.REGIONAL)
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices, default=Kind.WORKING_GROUP)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_bodies",
        verbose_name=_("rapporterar till"),
    )
    prepared_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prepares_for",
        verbose_name=_("bereds av"),
    )
    host_principal = models.ForeignKey(
        Principal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_bodies",
        verbose_name=_("värdhuvudman"),
        help_text=_("Den huvudman som registrerar och arkiverar organets handlingar."),
    )
    charter = models.TextField(_("uppdrag"), blank=True)
    mandate = models.TextField(_("mandat"), blank=True)
    reporting_route = models.TextField(_("rapporteringsväg"), blank=True)
    authority = models.CharField(
        _("beslutsrätt"), max_length=20, choices=Authority.choices, default=Authority.RECOMMENDS
    )
    appealable = models.BooleanField(
        _("besluten kan överklagas"),
        default=False,
        help_text=_(
            "Gäller gemensam nämnd och kommunalförbund (laglighetsprövning enligt kommunallagen 13 kap.). "
            "Då visar anslag, protokoll och PDF när tiden för överklagande går ut."
        ),
    )
    rules_of_procedure = models.TextField(_("arbetsordning"), blank=True)
    rules_adopted = models.DateField(_("arbetsordningen antagen"), null=True, blank=True)
    rules_next_review = models.DateField(_("arbetsordningen ses över senast"), null=True, blank=True)
    numbering = models.CharField(
        _("numrering av paragrafer"), max_length=20, choices=Numbering.choices, default=Numbering.CONTINUOUS
    )
    established = models.DateField(_("inrättat"), null=True, blank=True)
    dissolved = models.DateField(_("upphört"), null=True, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=OPEN_OR_INTERNAL, default=Visibility.PUBLIC)
    history = HistoricalRecords()
    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkansorgan")
        verbose_name_plural = _("samverkansorgan")
        constraints = [models.UniqueConstraint(fields=["area", "slug"], name="body_slug_unique_in_area")]

    def __str__(self):
        return self.name

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "portal:body", (self.area.slug, self.slug)

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    @property
    def is_active(self):
        return self.dissolved is None or self.dissolved > timezone.localdate()

    def clean(self):
        errors = {}
        for field in ("reports_to", "prepared_by"):
            other = getattr(self, field)
            if other is None:
                continue
            if self.area_id and other.area_id != self.area_id:
                errors[field] = _("Organet måste höra till samma samverkansområde.")
            elif self.pk and other.pk == self.pk:
                errors[field] = _("Ett organ kan inte hänvisa till sig självt.")
            elif self.pk and self.pk in _chain_ids(other, field):
                errors[field] = _(
                    "Det skulle bilda en cirkel: %(other)s leder redan tillbaka till det här organet."
                ) % {"other": other}
        if self.host_principal and self.area_id and self.host_principal.area_id != self.area_id:
            errors["host_principal"] = _("Värdhuvudmannen måste höra till samma samverkansområde.")
        if self.appealable and self.authority == self.Authority.RECOMMENDS:
            errors["appealable"] = _(
                "Ett organ som bara rekommenderar fattar inga beslut som kan överklagas. "
                "Ändra beslutsrätten eller ta bort markeringen."
            )
        elif self.appealable and self.kind not in self.APPEALABLE_KINDS:
            # KL 13:1: only a municipality's or region's own decisions are appealed; in a collaboration that is a
            # joint committee (KL 9:19) or a municipal association (KL 9:3).
            errors["appealable"] = _(
                "Bara en gemensam nämnd eller ett kommunalförbund fattar beslut som kan överklagas. "
                "Ändra organets typ eller ta bort markeringen."
            )
        if self.established and self.dissolved and self.dissolved < self.established:
            errors["dissolved"] = _("Organet kan inte upphöra innan det inrättades.")
        if self.rules_adopted and self.rules_next_review and self.rules_next_review < self.rules_adopted:
            errors["rules_next_review"] = _("Översynsdatum kan inte ligga före antagandedatum.")
        if errors:
            raise ValidationError(errors)

    # The parts of a charter a body must have (field, label); `structure.health` finds the bodies missing one.
    CHARTER_FIELDS = [("charter", _("uppdrag")), ("mandate", _("mandat")), ("reporting_route", _("rapporteringsväg"))]

    def charter_gaps(self):
        """The parts of the charter that are missing, as Swedish labels."""
        return [label for name, label in self.CHARTER_FIELDS if not getattr(self, name).strip()]

    def rules_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.rules_next_review is not None and self.rules_next_review < today


def _chain_ids(body, field, limit=200):
    """Primary keys reached by following `field` (reports_to or prepared_by) from body, cycle-safe."""
    seen = []
    while body is not None and body.pk not in seen and len(seen) < limit:
        seen.append(body.pk)
        body = getattr(body, field)
    return seen


class Person(WebAddressed, models.Model):
    """A person taking part in the collaboration; linked to a login when they use the app."""

    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    slug = models.SlugField(_("kortnamn i adress"), max_length=120, unique=True)
    title = models.CharField(_("titel eller befattning"), max_length=200, blank=True)
    employer = models.ForeignKey(
        Principal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation"),
    )
    # Contact details are for staff only and never appear on a public page.
    email = models.EmailField(_("e-postadress"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("inloggning"),
    )
    history = HistoricalRecords(excluded_fields=["user"])

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self):
        return str(self)

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "portal:person", (self.slug,)


class Party(models.TextChoices):
    S = "S", _("Socialdemokraterna (S)")
    M = "M", _("Moderaterna (M)")
    SD = "SD", _("Sverigedemokraterna (SD)")
    C = "C", _("Centerpartiet (C)")
    V = "V", _("Vänsterpartiet (V)")
    KD = "KD", _("Kristdemokraterna (KD)")
    L = "L", _("Liberalerna (L)")
    MP = "MP", _("Miljöpartiet (MP)")
    OTHER = "other", _("Annat parti")


class MembershipQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=today), Q(end__isnull=True) | Q(end__gte=today))


class Membership(models.Model):
    """A person's seat in a body for a period, representing a principal."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        VICE_CHAIR = "vice_chair", _("Vice ordförande")
        MEMBER = "member", _("Ledamot")
        SUBSTITUTE = "substitute", _("Ersättare")
        SECRETARY = "secretary", _("Sekreterare")
        PROCESS_SUPPORT = "process_support", _("Processtöd")
        CO_OPTED = "co_opted", _("Adjungerad")

    # Roles that sit at the table and decide; the rest attend in support.
    SEATED_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organ"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    principal = models.ForeignKey(
        Principal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("företräder huvudman"),
    )
    party = models.CharField(_("parti"), max_length=10, choices=Party.choices, blank=True)
    start = models.DateField(_("från"), null=True, blank=True)
    end = models.DateField(_("till"), null=True, blank=True)
    substitute_for = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substituted_by",
        verbose_name=_("ersättare för"),
    )
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body", "role", "person__last_name"]
        verbose_name = _("uppdrag i organ")
        verbose_name_plural = _("uppdrag i organ")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}, {self.body}"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.principal_id and self.body_id and self.principal.area_id != self.body.area_id:
            errors["principal"] = _("Huvudmannen måste höra till samma samverkansområde som organet.")
        if self.substitute_for_id:
            if self.role != self.Role.SUBSTITUTE:
                errors["substitute_for"] = _("Bara en ersättare kan vara ersättare för någon.")
            elif self.substitute_for_id == self.person_id:
                errors["substitute_for"] = _("En person kan inte vara ersättare för sig själv.")
        if errors:
            raise ValidationError(errors)
        if not (self.body_id and self.person_id):
            return
        others = [
            m
            for m in Membership.objects.filter(body_id=self.body_id).exclude(pk=self.pk)
            if m.overlaps(self.start, self.end)
        ]
        if any(m.person_id == self.person_id for m in others):
            errors["person"] = _("Personen har redan ett uppdrag i organet under samma period.")
        if self.role == self.Role.CHAIR and any(m.role == self.Role.CHAIR for m in others):
            errors["role"] = _("Organet har redan en ordförande under den perioden. Avsluta det uppdraget först.")
        if (
            self.substitute_for_id
            and "substitute_for" not in errors
            and not any(m.person_id == self.substitute_for_id and m.role in self.SEATED_ROLES for m in others)
        ):
            errors["substitute_for"] = _("Den som ersätts måste vara ledamot i organet under samma period.")
        if errors:
            raise ValidationError(errors)

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)

    def overlaps(self, start, end):
        """Whether this membership's period overlaps [start, end]; None means open-ended."""
        return (self.end is None or start is None or self.end >= start) and (
            end is None or self.start is None or self.start <= end
        )


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
    # The tables keep the names they had when the model lived in accounts (see structure 0001).
    history = HistoricalRecords(table_name="accounts_historicalrole")

    class Meta:
        db_table = "accounts_role"
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


class LoginInvitation(QueuedMail):
    """An invitation for a registered person to get a login (structure/logins.py): an e-mail with a one-time link,
    valid until `expires_at`, to choose a password. Recorded in the request and mailed by the task worker after
    commit (`queued_at`, `claimed_at`, `sent_at`, `error` as on a meeting's e-mails). The link is spent by its
    first use (`used_at`) and by any later invitation of the same person (only the newest is valid)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="login_invitations", verbose_name=_("person")
    )
    address = models.EmailField(_("e-postadress"))
    nonce = models.CharField(max_length=43, editable=False)
    created_at = models.DateTimeField(_("inbjuden"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inbjuden av"),
    )
    expires_at = models.DateTimeField(_("gäller till"))
    used_at = models.DateTimeField(_("använd"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbjudan till inloggning")
        verbose_name_plural = _("inbjudningar till inloggning")

    def __str__(self):
        return f"{self.person} ({self.created_at:%Y-%m-%d})"
