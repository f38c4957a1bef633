"""What an agreement's pages show: each party's adoption, read from the adoption recommendation's decisions."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from samverkan.agreements.models import Agreement, chain_of
from samverkan.followthrough.access import visible_recommendations
from samverkan.followthrough.models import PrincipalDecision
from samverkan.structure.models import Principal

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer


@dataclass
class PartyRow:
    """One party of an agreement: its decision on the adoption (None when not sent, or not for this reader's
    eyes), and whether it has adopted. `decision` carries the date, deciding body and § reference."""

    principal: Principal
    decision: PrincipalDecision | None
    adopted: bool

    @property
    def decided_on(self) -> date | None:
        return self.decision.decided_on if self.decision else None


@dataclass
class AgreementPage:
    """Everything an agreement's page shows besides the agreement itself."""

    parties: list[PartyRow]
    details_shown: bool  # the reader may read the adoption recommendation, so its decisions' dates and §
    earlier: list[Agreement]
    later: list[Agreement]


def agreement_page(agreement: Agreement, user: "Viewer") -> AgreementPage:
    """The parties with their adoption and the chain of agreements it replaces and is replaced by. A decision's
    date, body and § reference are free text of the recommendation's item, so they are shown only to those who
    may read the recommendation (`visible_recommendations`); others see only whether each party has adopted.
    Four queries, plus one per step of the chain."""
    decisions: dict[int, PrincipalDecision] = {}
    shown = False
    if agreement.adoption_id:
        decisions = {
            d.principal_id: d for d in PrincipalDecision.objects.filter(recommendation_id=agreement.adoption_id)
        }
        shown = visible_recommendations(user).filter(pk=agreement.adoption_id).exists()
    rows = []
    for principal in agreement.parties.all():
        decision = decisions.get(principal.pk)
        adopted = decision is not None and decision.outcome == PrincipalDecision.Outcome.ADOPTED
        rows.append(PartyRow(principal, decision if shown else None, adopted))
    earlier, later = chain_of(agreement)
    return AgreementPage(rows, shown, earlier, later)
