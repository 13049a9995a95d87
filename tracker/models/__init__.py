"""All models, importable from one place (and registered on db.metadata for migrations)."""
from tracker.models.accounts import AuditEvent, Member, MemberSession, Organization
from tracker.models.imports import ImportProgress, ImportRowError, ImportRun
from tracker.models.money import Committee, Contribution, DonorListEntry, FilingLink, Flag
from tracker.models.endorsements import (Endorsement, FrozenAnswersError, PetitionSignature, Questionnaire,
                                         QuestionnaireAnswer, WithdrawalPetition)
from tracker.models.people import ID_SCHEMES, Body, Person, PersonIdentifier, Term
from tracker.models.pledges import Pledge, PledgeClause
from tracker.models.program import (Ballot, BallotElector, BallotOption, BallotQuestion, BallotVote,
                                    CastBallot, Cosponsor, ImmutableVersionError, Plank, Program,
                                    ProgramVersion, Proposal, ProposalComment, TellerCount)
from tracker.models.scores import Score
from tracker.models.notifications import Delivery, Follow, OutboxEvent, OutboxSubject
from tracker.models.votes import Alignment, Excusal, RollCall, Voter, VotePosition, VoterReview

__all__ = [
    "AuditEvent", "Member", "MemberSession", "Organization", "ImportProgress", "ImportRowError", "ImportRun", "Committee",
    "Contribution", "DonorListEntry", "FilingLink", "Flag", "ID_SCHEMES", "Body", "Endorsement", "Person", "PersonIdentifier",
    "QuestionnaireAnswer", "Questionnaire", "FrozenAnswersError", "WithdrawalPetition", "PetitionSignature", "Term", "Pledge", "PledgeClause", "Ballot", "BallotElector", "BallotOption",
    "BallotQuestion", "BallotVote", "CastBallot", "Cosponsor", "ImmutableVersionError", "Plank", "Program",
    "ProgramVersion", "Proposal", "ProposalComment", "TellerCount", "Score", "Alignment", "Excusal", "RollCall",
    "Voter", "VotePosition", "VoterReview", "Delivery", "Follow", "OutboxEvent", "OutboxSubject",
]
