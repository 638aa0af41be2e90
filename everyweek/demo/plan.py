"""The shape of the demo organisation: sites, departments, teams, partners. Data, not code.

A mid-sized consumer-electronics company selling in Europe, the United States and Thailand.
Customer Care is the largest department; its language teams sit where their customers are.
"""

from __future__ import annotations

from dataclasses import dataclass

from everyweek.people.models import DepartmentKind, PartnerKind, Role

Weights = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Site:
    time_zone: str
    # Which languages' names people at this site have, with weights; a person's
    # interface language follows their name's language (English for others).
    languages: Weights


SITES: dict[str, Site] = {
    "london": Site("Europe/London", (("en", 7), ("it", 1), ("de", 1), ("th", 1))),
    "new_york": Site("America/New_York", (("en", 8), ("it", 1), ("de", 1))),
    "milan": Site("Europe/Rome", (("it", 9), ("en", 1))),
    "berlin": Site("Europe/Berlin", (("de", 8), ("en", 1), ("it", 1))),
    "bangkok": Site("Asia/Bangkok", (("th", 9), ("en", 1))),
}


@dataclass(frozen=True)
class TeamPlan:
    name: str
    site: str
    agents: int
    titles: tuple[str, ...]
    # Language teams hire only speakers of their customers' language.
    languages: Weights | None = None


@dataclass(frozen=True)
class GroupPlan:
    """One department manager and the teams whose leads report to them."""

    manager_title: str
    site: str
    teams: tuple[TeamPlan, ...]


@dataclass(frozen=True)
class DepartmentPlan:
    name: str
    kind: DepartmentKind
    executive: str
    groups: tuple[GroupPlan, ...]


@dataclass(frozen=True)
class ExecutivePlan:
    key: str
    title: str
    site: str
    department: str | None


EXECUTIVES: tuple[ExecutivePlan, ...] = (
    # The first one is the chief executive; the others report to them.
    ExecutivePlan("ceo", "Chief Executive Officer", "london", None),
    ExecutivePlan("cco", "Chief Customer Officer", "london", "Customer Care"),
    ExecutivePlan("cro", "Chief Revenue Officer", "new_york", "Sales"),
    ExecutivePlan("coo", "Chief Operating Officer", "berlin", "Operations"),
    ExecutivePlan("cfo", "Chief Financial Officer", "milan", "Finance"),
)

CARE = ("Customer Care Agent", "Customer Care Agent", "Customer Care Specialist")

DEPARTMENTS: tuple[DepartmentPlan, ...] = (
    DepartmentPlan(
        "Customer Care",
        DepartmentKind.SERVICE,
        "cco",
        (
            GroupPlan(
                "Customer Care Manager, Europe & Americas",
                "london",
                (
                    TeamPlan("Email & Chat", "london", 16, (*CARE, "Chat Specialist")),
                    TeamPlan("Phone", "new_york", 18, (*CARE, "Phone Specialist")),
                    TeamPlan("Italia", "milan", 14, CARE, (("it", 1),)),
                    TeamPlan("DACH", "berlin", 14, CARE, (("de", 1),)),
                ),
            ),
            GroupPlan(
                "Customer Care Manager, Technical & APAC",
                "bangkok",
                (
                    TeamPlan(
                        "Technical Support",
                        "berlin",
                        14,
                        ("Technical Support Specialist", "Repair Coordinator"),
                        (("de", 4), ("en", 3), ("it", 2), ("th", 1)),
                    ),
                    TeamPlan("Thailand", "bangkok", 16, CARE, (("th", 1),)),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Sales",
        DepartmentKind.SALES,
        "cro",
        (
            GroupPlan(
                "Head of Sales",
                "new_york",
                (
                    TeamPlan("Field Sales", "milan", 8, ("Account Executive",)),
                    TeamPlan("Inside Sales", "london", 8, ("Sales Development Representative",)),
                    TeamPlan("Key Accounts", "new_york", 5, ("Key Account Manager",)),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Marketing",
        DepartmentKind.MARKETING,
        "ceo",
        (
            GroupPlan(
                "Head of Marketing",
                "london",
                (
                    TeamPlan(
                        "Brand & Content",
                        "london",
                        5,
                        ("Content Writer", "Brand Designer", "Social Media Specialist"),
                    ),
                    TeamPlan("Growth", "berlin", 4, ("Growth Marketer", "Marketing Analyst")),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Product",
        DepartmentKind.PRODUCT,
        "coo",
        (
            GroupPlan(
                "Head of Product",
                "london",
                (
                    TeamPlan(
                        "Product Management", "london", 5, ("Product Manager", "Product Analyst")
                    ),
                    TeamPlan("Design", "berlin", 4, ("UX Designer", "UX Researcher")),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Operations",
        DepartmentKind.OPERATIONS,
        "coo",
        (
            GroupPlan(
                "Head of Operations",
                "berlin",
                (
                    TeamPlan(
                        "Logistics", "berlin", 6, ("Logistics Coordinator", "Warehouse Specialist")
                    ),
                    TeamPlan("Facilities", "milan", 3, ("Facilities Coordinator",)),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Finance",
        DepartmentKind.FINANCE,
        "cfo",
        (
            GroupPlan(
                "Head of Finance",
                "milan",
                (
                    TeamPlan(
                        "Accounting", "milan", 5, ("Accountant", "Accounts Payable Specialist")
                    ),
                    TeamPlan("Billing", "bangkok", 4, ("Billing Specialist",)),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "Human Resources",
        DepartmentKind.HR,
        "ceo",
        (
            GroupPlan(
                "Head of People",
                "london",
                (
                    TeamPlan("People Partners", "london", 3, ("HR Business Partner", "Recruiter")),
                    TeamPlan(
                        "Learning & Development", "milan", 3, ("Trainer", "Learning Designer")
                    ),
                ),
            ),
        ),
    ),
    DepartmentPlan(
        "IT",
        DepartmentKind.IT,
        "coo",
        (
            GroupPlan(
                "Head of IT",
                "berlin",
                (
                    TeamPlan("Service Desk", "bangkok", 4, ("IT Support Specialist",)),
                    TeamPlan(
                        "Platform", "berlin", 4, ("Systems Engineer", "Site Reliability Engineer")
                    ),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class FixedPerson:
    """A demo sign-in with a stable address and name, the same for every seed."""

    role: Role
    full_name: str
    preferred_name: str
    tenure_days: int


# One chain in Customer Care (agent -> lead -> manager -> executive), plus the administrator.
DEMO_ROLES: tuple[FixedPerson, ...] = (
    FixedPerson(Role.AGENT, "Amelia Clarke", "Millie", 400),
    FixedPerson(Role.LEAD, "Daniel Hughes", "Dan", 1900),
    FixedPerson(Role.MANAGER, "Sofia Marchetti", "", 2600),
    FixedPerson(Role.EXECUTIVE, "Katharina Weber", "", 3100),
    FixedPerson(Role.ADMIN, "Arthit Srisuk", "Art", 1500),
)
DEMO_TEAM = ("Customer Care", "Email & Chat")
DEMO_EXECUTIVE = "cco"
ADMIN_TEAM = ("IT", "Platform")
ADMIN_TITLE = "Platform Administrator"


@dataclass(frozen=True)
class PartnerPlan:
    name: str
    kind: PartnerKind
    contact_name: str
    locale: str
    description: str


PARTNERS: tuple[PartnerPlan, ...] = (
    PartnerPlan(
        "SwiftParcel Couriers",
        PartnerKind.SUPPLIER,
        "Tom Bennett",
        "en",
        "Collect returns and deliver replacement parts to our customers, usually the next day.",
    ),
    PartnerPlan(
        "Brillante Pulizie",
        PartnerKind.SUPPLIER,
        "Rosa Esposito",
        "it",
        "Keep the Milan office clean, including the desks of the late shift.",
    ),
    PartnerPlan(
        "Kantine am Park",
        PartnerKind.SUPPLIER,
        "Jürgen Hartmann",
        "de",
        "Run the Berlin staff cafeteria and cater the Customer Service Week breakfast.",
    ),
    PartnerPlan(
        "Telvox Telephony",
        PartnerKind.SUPPLIER,
        "Rachel Ward",
        "en",
        "Provide the phone lines and the contact-centre telephony the Phone team works with.",
    ),
    PartnerPlan(
        "Siam Contact Solutions",
        PartnerKind.PARTNER,
        "Kanokwan Boonmee",
        "th",
        "Answer overflow calls and chats in Thai and English at night and at weekends.",
    ),
    PartnerPlan(
        "Nordlicht IT-Service",
        PartnerKind.SUPPLIER,
        "Felix Neumann",
        "de",
        "Repair agents' laptops and headsets within a day, so nobody is stuck without tools.",
    ),
    PartnerPlan(
        "Print & Post Co.",
        PartnerKind.SUPPLIER,
        "Grace Hall",
        "en",
        "Print and post the thank-you cards and surprises we send to customers.",
    ),
    PartnerPlan(
        "Lingua Academy",
        PartnerKind.PARTNER,
        "Chiara Conti",
        "it",
        "Teach our agents Italian, German and Thai, and coach new hires on tone of voice.",
    ),
)

# Customers by language (weights), with the time zones they live in.
CUSTOMER_LANGUAGES: Weights = (("en", 30), ("it", 20), ("de", 18), ("th", 16), ("es", 8), ("fr", 8))
CUSTOMER_TIME_ZONES: dict[str, Weights] = {
    "en": (
        ("Europe/London", 5),
        ("America/New_York", 3),
        ("America/Chicago", 1),
        ("America/Los_Angeles", 1),
        ("Australia/Sydney", 1),
    ),
    "it": (("Europe/Rome", 1),),
    "de": (("Europe/Berlin", 6), ("Europe/Vienna", 2), ("Europe/Zurich", 2)),
    "th": (("Asia/Bangkok", 1),),
    "es": (("Europe/Madrid", 3), ("America/Mexico_City", 2)),
    "fr": (("Europe/Paris", 4), ("Europe/Brussels", 1), ("America/Toronto", 1)),
}
CUSTOMERS = 600
# Former colleagues: deactivated, kept for history, as in a real organisation.
LEAVERS = 4
