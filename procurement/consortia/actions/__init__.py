"""Every write of consortium buying, one module per phase (STYLE.md §1); this package
re-exports them, so callers write `from procurement.consortia import actions; actions.offer_post(...)`.

Consortium (`founding`, `election`, `negotiation`, `contracts`, `contract_payment`, `sweep`):
    forming -> electing -> negotiating -> agreed -> contracting -> active -> expired
        \\----------\\-------------\\-----------\\-> cancelled        negotiating -> lapsed
Membership (`membership`, `commitments`):
    invited | applied -> joined -> left;  invited | applied -> declined;  declined | left -> invited | applied
Election (`election`):
    open (nominations, one vote per office, changeable) -> closed (tally published, frozen)
Contract (`contracts`, `contract_payment`):
    issued -> signed (by the member and by the provider, either first) -> paid (licence created;
    it keeps its payment, and any other payment that succeeds for it is refunded)
The next round starts from an active or expired consortium (`renewal`).

Offices may join, leave, commit and withdraw until contracts are issued. Issuing recomputes the
tier from the commitments at that moment, under the consortium's row lock, and fixes it: after
that nobody can leave or withdraw, so no contract ever carries a stale tier.

Lock order everywhere: consortium, then memberships (by pk), then election, then contracts.
Nothing leaves before commit (`notify` e-mails go out after commit).
"""

from procurement.consortia.actions.commitments import commitment_set
from procurement.consortia.actions.contract_payment import (
    CONSORTIUM_CONTRACT_PURPOSE,
    contract_lock_for_payment,
    contract_paid,
    contract_pay,
)
from procurement.consortia.actions.contracts import contract_sign, contracts_issue
from procurement.consortia.actions.election import (
    DEFAULT_NEGOTIATION_DAYS,
    election_close,
    election_open,
    nomination_add,
    vote_cast,
)
from procurement.consortia.actions.founding import consortium_cancel, consortium_found
from procurement.consortia.actions.membership import (
    membership_answer,
    membership_apply,
    membership_decide,
    membership_invite,
    membership_leave,
    membership_set_representative,
)
from procurement.consortia.actions.negotiation import MAX_TIERS, negotiation_deadline_set, offer_accept, offer_post
from procurement.consortia.actions.renewal import consortium_renew
from procurement.consortia.actions.sweep import (
    consortia_sweep,
    consortium_term_ended,
    election_deadline_passed,
    negotiation_deadline_passed,
)

# Reads callers have always reached through here; they live with the other reads.
from procurement.consortia.selectors import committed_quantity, price_for

__all__ = [
    "CONSORTIUM_CONTRACT_PURPOSE",
    "DEFAULT_NEGOTIATION_DAYS",
    "MAX_TIERS",
    "commitment_set",
    "committed_quantity",
    "consortia_sweep",
    "consortium_cancel",
    "consortium_found",
    "consortium_renew",
    "consortium_term_ended",
    "contract_lock_for_payment",
    "contract_paid",
    "contract_pay",
    "contract_sign",
    "contracts_issue",
    "election_close",
    "election_deadline_passed",
    "election_open",
    "membership_answer",
    "membership_apply",
    "membership_decide",
    "membership_invite",
    "membership_leave",
    "membership_set_representative",
    "negotiation_deadline_passed",
    "negotiation_deadline_set",
    "nomination_add",
    "offer_accept",
    "offer_post",
    "price_for",
    "vote_cast",
]
