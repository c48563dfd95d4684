"""The words of the workbench's closed vocabularies: each value with what a person reads for it.

One place for the models (which store the values), the forms, the templates, the documents and
the command line. Plain Python, so the command line offers the choices without loading the
database layer (benchmarks/cli.py).
"""

from enum import StrEnum


class Labelled(StrEnum):
    """A stored value with its label, and a short label for narrow places (table heads, charts)."""

    label: str
    short: str

    def __new__(cls, value: str, label: str, short: str | None = None) -> "Labelled":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.short = short or label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Map each value to its label (what templates look labels up in)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Return the values, in their order (the command line's choices)."""
        return tuple(member.value for member in cls)


class PaymentModel(Labelled):
    FFS = "ffs", "Fee-for-service (CoCM codes)", "FFS"
    FFS_PLUS_INCENTIVES = (
        "ffs_plus_incentives",
        "Fee-for-service plus quality incentives",
        "FFS + incentives",
    )
    BUNDLED = "bundled", "Bundled case rate", "Bundled"
    TOTAL_COST_OF_CARE = (
        "total_cost_of_care",
        "Total cost of care with shared savings",
        "Total cost of care",
    )


class TornadoOutput(Labelled):
    """The figures a method-1 tornado can swing (the engine's sensitivity.TORNADO_OUTPUTS)."""

    PROVIDER_NET = "provider_net", "provider net"
    PROPOSED_PMPM = "proposed_pmpm", "proposed PMPM"
    ANNUAL_PMPM_PAYMENTS = "annual_pmpm_payments", "annual PMPM payments"
    PAYER_ADDED_PAYMENTS = "payer_added_payments", "payer added payments"
    PAYER_NET_SAVINGS = "payer_net_savings", "payer net savings"
    FFS_REVENUE = "ffs_revenue", "FFS revenue"
    ALLOCATED_COST = "allocated_cost", "allocated cost"
    GROSS_SAVINGS = "gross_savings", "gross savings"


class DocumentKind(Labelled):
    PROPOSAL = "proposal", "Proposal to a payer (8-15 pages)"
    BRIEF = "brief", "Stakeholder brief (2-4 pages)"
    EXECUTIVE_SUMMARY = "executive_summary", "Executive summary (internal, 1-2 pages)"
    MEETING_PACKET = (
        "meeting_packet",
        "Meeting packet (agenda, talking points, leave-behind briefs)",
    )

    @property
    def slug(self) -> str:
        """The name a person types (`--document executive-summary`) and a form posts."""
        return self.value.replace("_", "-")

    @property
    def needs_stakeholder(self) -> bool:
        """Say whether the document is written for a stakeholder, who must be named."""
        return self in (DocumentKind.BRIEF, DocumentKind.MEETING_PACKET)

    @classmethod
    def slugs(cls) -> tuple[str, ...]:
        """Return every kind's slug, in order (the command line's and the form's choices)."""
        return tuple(kind.slug for kind in cls)

    @classmethod
    def from_slug(cls, slug: str) -> "DocumentKind | None":
        """Return the kind a slug names, or None."""
        return next((kind for kind in cls if kind.slug == slug), None)


class Role(Labelled):
    ADMIN = "admin", "Administrator: accounts, settings and the audit log"
    LEAD = "lead", "Contracting lead: edits organizations, scenarios, documents, negotiations"
    EXECUTIVE = "executive", "Executive: reviews, approves or sends back documents"
    VIEWER = "viewer", "Viewer: reads only"
