"""Vocabularies used across the app: roles, statuses, donor classes. Pure; import from here."""
from imports.vote_options import MISSED, PARTICIPATION, POSITIONS  # noqa: F401  (re-exported)
from tracker.ballots import MAJORITIES, YES_NO_CHOICES  # noqa: F401  (re-exported)

# Member roles, weakest first: each role can do everything the ones before it can.
ROLES = ("member", "committee", "admin")

PROGRAM_VERSION_STATUSES = ("draft", "adopted", "superseded")
PLANK_TIERS = ("minimum", "maximum")
PROPOSAL_KINDS = ("new_plank", "amendment", "repeal")
# open: gathering co-sponsors and debate; on_ballot: put to a ballot; passed: applied to the draft
# version; adopted: that draft became an adopted version; rejected: lost its vote; withdrawn.
PROPOSAL_STATUSES = ("open", "on_ballot", "passed", "adopted", "rejected", "withdrawn")
# scheduled: waiting for its opening time; open: members vote; closed: results published.
BALLOT_STATUSES = ("scheduled", "open", "closed")
BALLOT_MODES = ("online", "paper")
BALLOT_QUESTION_KINDS = ("yes_no", "ranked")
# What a question decides, so the close knows what to do with the outcome.
BALLOT_SUBJECTS = ("proposal", "competing", "adoption", "endorsement", "withdrawal", "other")
# Who votes on a ballot: every member in good standing, or the endorsement committee.
BALLOT_ELECTORATES = ("members", "committee")
# Yes/no: passed, failed, no quorum. Ranked (BALLOTS.md 3): winner, default, tie, no quorum.
BALLOT_OUTCOMES = ("passed", "failed", "no quorum", "winner", "default", "tie")

ENDORSEMENT_DECISIONS = ("pending", "endorsed", "declined", "withdrawn")
QUESTIONNAIRE_STANCES = ("support", "oppose", "partial", "no_answer")
# open: gathering signatures; on_ballot: put to the members; decided: the ballot closed.
PETITION_STATUSES = ("open", "on_ballot", "decided")
PLEDGE_STATUSES = ("pending", "signed", "broken", "withdrawn")
PLEDGE_CLAUSE_KINDS = ("plank_support", "no_corporate_pac", "no_corporate_money", "no_fossil_fuel_money")

ALIGNMENT_STATUSES = ("proposed", "approved", "rejected")
PRO_POSITIONS = ("yes", "no")

# METHOD.md section 6.5, step 4: one donor class per contribution.
DONOR_CLASSES = (
    "individual", "candidate_self",
    "corporate_pac", "corp_nonstock_pac", "trade_assoc_pac", "cooperative_pac", "membership_pac",
    "labor_pac", "leadership_pac", "lobbyist_pac", "party", "candidate_committee", "super_pac",
    "nonconnected_pac", "business_entity", "labor_org", "other_org", "review", "unknown",
)
CONFIDENCES = ("confirmed", "probable", "review")
FLAG_STATUSES = ("violation", "cured", "late_cure", "pre_pledge", "under_review", "warning")
RECEIPT_KINDS = ("receipt", "in_kind", "refund", "independent_expenditure", "other")
# The lists an organization keeps for classification (METHOD.md 6.5 step 4), in page order.
DONOR_LISTS = ("known_corporate", "exceptions", "company_list", "lobbyists")

SCORE_STATUSES = ("ok", "insufficient_data")
ABSENCE_POLICIES = ("exclude", "count_against", "half_credit")
OVERALL_MODES = ("pooled", "plank_average")

IMPORT_KINDS = ("votes", "people", "contributions", "committees", "alignments", "excusals")
IMPORT_STATUSES = ("pending", "running", "succeeded", "rejected", "failed")
