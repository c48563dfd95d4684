"""Closed vocabularies stored as strings (portable across SQLite and PostgreSQL)."""

from enum import StrEnum

# Labelled vocabularies live in workbench.vocabulary; the models store their values.
from workbench.vocabulary import DocumentKind as DocumentKind
from workbench.vocabulary import PaymentModel as PaymentModel
from workbench.vocabulary import Role


class OrganizationKind(StrEnum):
    OWN = "own"
    PAYER = "payer"
    EMPLOYER = "employer"
    ACO = "aco"
    STATE_AGENCY = "state_agency"
    PROVIDER = "provider"
    ADVOCACY = "advocacy"


class PayerType(StrEnum):
    COMMERCIAL = "commercial"
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID_MCO = "medicaid_mco"
    STATE_MEDICAID = "state_medicaid"
    SELF_FUNDED = "self_funded"


class ProfileCategory(StrEnum):
    PAYER = "payer"
    EMPLOYER = "employer"
    ACO = "aco"
    PROVIDER = "provider"
    PATIENT = "patient"
    STATE_AGENCY = "state_agency"


class EvidenceKind(StrEnum):
    PUBLISHED = "published"
    LOCAL_PILOT = "local_pilot"


class Stance(StrEnum):
    SUPPORTS = "supports"
    AGAINST = "against"
    MIXED = "mixed"


class CoverageStatus(StrEnum):
    COVERED = "covered"
    NOT_COVERED = "not_covered"
    UNKNOWN = "unknown"


class NegotiationStage(StrEnum):
    BACKGROUND = "background"
    WORKING_GROUP = "working_group"
    PROPOSAL_DRAFTED = "proposal_drafted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SENT = "sent"
    COUNTERED = "countered"
    AGREED = "agreed"
    STALLED = "stalled"


class OfferSide(StrEnum):
    OURS = "ours"
    THEIRS = "theirs"


class OfferResponse(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COUNTERED = "countered"
    WITHDRAWN = "withdrawn"


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SENT_BACK = "sent_back"
    SENT = "sent"


class MetricDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class IntegrationKind(StrEnum):
    LEVEL = "level"
    MODEL = "model"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


# What each role may do; the views check these on the server (workbench.web.security).
READ, EDIT, REVIEW, ADMINISTER = "read", "edit", "review", "administer"
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.VIEWER: frozenset({READ}),
    Role.LEAD: frozenset({READ, EDIT}),
    Role.EXECUTIVE: frozenset({READ, REVIEW}),
    Role.ADMIN: frozenset({READ, ADMINISTER}),
}
