"""The leads' models, one file per group of entities; imported from here by the rest of the code."""
from portal.leads.models.activity import ACTIVITY_LABELS, ANSWER_KINDS, CONTACT_KINDS, Activity, ActivityKind
from portal.leads.models.company import (
    VISIT_KIND_LABELS,
    Company,
    CompanyContact,
    CompanyLead,
    CompanyLeadRelation,
    RegisteredProject,
    Visit,
    VisitKind,
)
from portal.leads.models.issue import (
    AGENCY_LABELS,
    FINISHED_STATUSES,
    ISSUE_CATEGORY_LABELS,
    ISSUE_STATUS_LABELS,
    Agency,
    EventCompany,
    Issue,
    IssueCategory,
    IssueNote,
    IssueSource,
    IssueStatus,
)
from portal.leads.models.follow import InquiryLink, InvestorDocument
from portal.leads.models.lead import (
    LEAD_KIND_LABELS,
    SOURCE_LABELS,
    TIMELINE_LABELS,
    Lead,
    LeadKind,
    LeadSource,
    LeadStatus,
    Tag,
    Timeline,
    lead_parks,
    lead_projects,
    lead_sectors,
    lead_tags,
)
from portal.leads.models.mailbox import MailboxMessage, MailboxStatus
from portal.leads.models.partners import (
    EVENT_KIND_LABELS,
    REFERRER_KIND_LABELS,
    Event,
    EventKind,
    Referrer,
    ReferrerKind,
)
from portal.leads.models.reply_template import REPLY_PURPOSE_LABELS, ReplyPurpose, ReplyTemplate
from portal.leads.models.pipeline import Holiday, LostReason, SavedFilter, Stage, StageChange, Task
from portal.leads.models.privacy import (
    CONSENT_PURPOSE_LABELS,
    DATA_REQUEST_LABELS,
    Consent,
    ConsentPurpose,
    ConsentSubject,
    DataRequest,
    DataRequestKind,
)
from portal.leads.models.scheduled import SCHEDULED_KIND, ScheduledMessage
from portal.leads.models.site_needs import SiteNeeds
from portal.leads.models.site_visit import (VISIT_ANSWER_LABELS, VISIT_STATUS_LABELS, SiteVisit, SiteVisitStop,
                                            VisitAnswer, VisitStatus)
from portal.leads.models.submission import FormSubmission

__all__ = [
    "VISIT_KIND_LABELS", "Company", "CompanyContact", "CompanyLead", "CompanyLeadRelation", "RegisteredProject",
    "Visit", "VisitKind",
    "AGENCY_LABELS", "FINISHED_STATUSES", "ISSUE_CATEGORY_LABELS", "ISSUE_STATUS_LABELS", "Agency", "EventCompany",
    "Issue", "IssueCategory", "IssueNote", "IssueSource", "IssueStatus",
    "REPLY_PURPOSE_LABELS", "ReplyPurpose", "ReplyTemplate",
    "ACTIVITY_LABELS", "CONSENT_PURPOSE_LABELS", "CONTACT_KINDS", "DATA_REQUEST_LABELS", "EVENT_KIND_LABELS",
    "FormSubmission", "LEAD_KIND_LABELS", "SOURCE_LABELS", "REFERRER_KIND_LABELS", "TIMELINE_LABELS", "Activity", "ActivityKind", "Consent",
    "ConsentPurpose", "ConsentSubject", "DataRequest", "DataRequestKind", "Event", "EventKind", "Holiday", "InquiryLink", "InvestorDocument", "Lead",
    "LeadKind", "LeadSource", "LeadStatus", "LostReason", "Referrer", "ReferrerKind", "SavedFilter", "Stage",
    "SCHEDULED_KIND", "ScheduledMessage", "SiteNeeds", "SiteVisit", "SiteVisitStop", "VISIT_ANSWER_LABELS", "VISIT_STATUS_LABELS", "VisitAnswer", "VisitStatus", "StageChange", "Tag", "Task", "Timeline", "lead_parks", "lead_projects", "lead_sectors", "lead_tags",
]

from portal.leads.models import upkeep  # noqa: E402,F401  (the session keeps the leads' derived columns)
from portal.leads.models import report_facts  # noqa: E402,F401  (and each lead's reporting facts)
from portal.leads.models import report_version  # noqa: E402,F401  (and the token the reports keep figures under)
