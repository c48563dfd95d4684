"""SQLAlchemy 2.0 typed models, one module per aggregate; importing this registers them all."""

from workbench.models.base import ModelBase, live, utcnow
from workbench.models.claims import ClaimsSizing
from workbench.models.documents import DocumentArtifact
from workbench.models.jobs import Job
from workbench.models.negotiations import Meeting, MeetingAttendee, Negotiation, Offer
from workbench.models.organizations import CodeCoverage, Contact, FeeScheduleEntry, Organization
from workbench.models.profiles import ProfileDomainWeight, StakeholderProfile
from workbench.models.reference import (
    BillingCode,
    DomainMetric,
    EvidenceItem,
    Guideline,
    IntegrationModel,
    QualityMeasure,
    ValueDomain,
    evidence_domains,
    measure_domains,
)
from workbench.models.scenarios import Scenario
from workbench.models.users import AuditChainHead, AuditEvent, User

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "BillingCode",
    "ClaimsSizing",
    "CodeCoverage",
    "Contact",
    "DocumentArtifact",
    "DomainMetric",
    "EvidenceItem",
    "FeeScheduleEntry",
    "Guideline",
    "IntegrationModel",
    "Job",
    "Meeting",
    "MeetingAttendee",
    "ModelBase",
    "Negotiation",
    "Offer",
    "Organization",
    "ProfileDomainWeight",
    "QualityMeasure",
    "Scenario",
    "StakeholderProfile",
    "User",
    "ValueDomain",
    "evidence_domains",
    "live",
    "measure_domains",
    "utcnow",
]
