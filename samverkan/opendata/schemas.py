"""The response schemas of our own object types (docs/OPARL.md, "What OParl lacks"): every property they may
carry, so `/api/openapi.json` describes them and an answer with anything else is refused before it leaves (a
property the builder in `oparl.py` adds must be added here too). Absent properties are left out, never null."""

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from samverkan.agreements.models import Agreement, Status
from samverkan.followthrough.models import Assignment, PrincipalDecision


def _one_of(values: list[str]) -> JsonDict:
    """The JSON Schema `enum` of a model's choices, so the description says which codes occur."""
    return {"enum": list(values)}


class OwnObject(BaseModel):
    """What every object of our own types has: its address, its type URL, its portal page and history times."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="Objektets adress i API:t.")
    type: str = Field(description="<SITE_URL>/oparl/schema/1.0/<typ>.")
    web: str | None = Field(None, description="Sidan i portalen.")
    created: str | None = Field(None, description="Skapad (ISO 8601).")
    modified: str | None = Field(None, description="Senast ändrad (ISO 8601).")


class RecommendationOut(OwnObject):
    """A recommendation to the principals, decided at a public agenda item."""

    name: str
    text: str
    decidedOn: str | None = None
    deadline: str | None = None
    agendaItem: str
    paper: str | None = None
    principalDecision: list[str] = Field(description="Varje huvudmans beslut (PrincipalDecision).")


class PrincipalDecisionOut(OwnObject):
    """One principal's decision on a recommendation."""

    recommendation: str
    organization: str = Field(description="Huvudmannen (Organization av typen Institution).")
    outcome: str = Field(json_schema_extra=_one_of(PrincipalDecision.Outcome.values))
    outcomeLabel: str
    decidingBody: str | None = None
    decidedOn: str | None = None
    reference: str | None = None
    link: str | None = None
    comment: str | None = None
    downloadUrl: str | None = Field(None, description="Beslutsdokumentet, när ett laddats upp.")


class AssignmentOut(OwnObject):
    """An assignment given at a public agenda item."""

    description: str
    agendaItem: str
    paper: str | None = None
    assignee: str | None = Field(None, description="Organisation eller person, när den är offentlig.")
    reportTo: str | None = None
    dueDate: str | None = None
    status: str = Field(json_schema_extra=_one_of(Assignment.Status.values))
    statusLabel: str
    reportedAt: str | None = None


class Party(BaseModel):
    """A party of an agreement and whether it has adopted it."""

    model_config = ConfigDict(extra="forbid")
    organization: str
    name: str
    adopted: bool


class VersionFile(BaseModel):
    """A version of an agreement as an OParl File (embedded; its id is the agreement's address + #version-n)."""

    model_config = ConfigDict(extra="allow")
    id: str
    type: str
    accessUrl: str


class AgreementOut(OwnObject):
    """An agreement of the public register with its parties' adoption and its versions."""

    body: str
    name: str
    kind: str = Field(json_schema_extra=_one_of(Agreement.Kind.values))
    kindLabel: str
    fieldOfWork: str | None = None
    summary: str | None = None
    organization: str = Field(description="Organet som äger överenskommelsen.")
    party: list[Party]
    status: str = Field(json_schema_extra=_one_of(Status.values))
    statusLabel: str
    validFrom: str | None = None
    validTo: str | None = None
    reviewOn: str | None = None
    nextFollowUp: str | None = None
    recommendation: str | None = Field(None, description="Rekommendationen om antagande, när den är offentlig.")
    replaces: str | None = None
    file: list[VersionFile]
