"""The demo dataset: a fulfilment company whose Warehouse Management System fails at peak season.

It is built through the same service functions the UI and API use, on a clock moved through the
story, so every incident has a real timeline (events, roles, tasks) rather than rows typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.catalog import service as catalog
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.clock import FakeClock

DEMO_USERS = (
    ("alice@example.com", "Alice Archer", "owner", "alice-demo-password", "Europe/Berlin"),
    ("bob@example.com", "Bob Baker", "responder", "bob-demo-password", "America/New_York"),
    ("carol@example.com", "Carol Chen", "viewer", "carol-demo-password", "UTC"),
    ("dan@example.com", "Dan Diaz", "responder", "dan-demo-password", "Europe/London"),
    ("erin@example.com", "Erin Evans", "admin", "erin-demo-password", "Europe/Berlin"),
)
PRINTED_USERS = ("alice@example.com", "bob@example.com", "carol@example.com")

TEAMS = (
    (
        "Warehouse Platform",
        "Owns the WMS and its database.",
        ("alice@example.com", "bob@example.com", "dan@example.com"),
    ),
    ("Shipping", "Carrier integrations and label printing.", ("erin@example.com",)),
    ("Digital Storefront", "The customer-facing shop.", ("carol@example.com",)),
)

# name, tier, team, description, public, runbook
SERVICES = (
    (
        "Inventory DB",
        1,
        "Warehouse Platform",
        "PostgreSQL cluster holding stock levels and bin locations.",
        False,
        "https://runbooks.example.com/inventory-db",
    ),
    (
        "WMS",
        1,
        "Warehouse Platform",
        "Warehouse Management System: orders, waves, stock movements.",
        True,
        "https://runbooks.example.com/wms",
    ),
    ("Picking", 1, "Warehouse Platform", "Handheld picking app used by floor staff.", True, None),
    (
        "Carrier Label API",
        2,
        "Shipping",
        "Prints carrier labels (DHL, UPS, DPD) for packed parcels.",
        True,
        "https://runbooks.example.com/labels",
    ),
    ("Storefront", 2, "Digital Storefront", "Customer web shop and order intake.", True, None),
    ("Returns Portal", 3, "Digital Storefront", "Self-service returns for customers.", True, None),
)
# (service, depends on)
DEPENDENCIES = (
    ("WMS", "Inventory DB"),
    ("Picking", "WMS"),
    ("Carrier Label API", "WMS"),
    ("Storefront", "Inventory DB"),
    ("Returns Portal", "WMS"),
)
FUNCTIONS = (
    ("Order picking", "Floor staff pick items for open orders.", ("Picking",)),
    ("Label printing", "Packed parcels get carrier labels before truck cut-off.", ("Carrier Label API",)),
    ("Online ordering", "Customers place orders in the web shop.", ("Storefront",)),
    ("Customer returns", "Customers register returns and print return labels.", ("Returns Portal",)),
)


@dataclass
class Story:
    """A unit of work whose clock walks through an incident's history."""

    ctx: Ctx
    clock: FakeClock

    def at(self, instant: datetime) -> None:
        self.clock.set(instant)

    def act_as(self, user: User) -> None:
        self.ctx.actor = auth_service.actor_for(user)


@dataclass
class DemoWorld:
    """What the base story built, handed to each domain's demo.seed() to add its own data."""

    story: Story
    users: dict[str, User]  # by email
    services: dict[str, Service]  # by name
    incidents: dict[str, Incident]  # "labels" (resolved SEV2), "storefront" (closed SEV3), "wms" (ongoing SEV1)
    now: datetime  # the real "now" the story ends at


def load(ctx: Ctx) -> list[tuple[str, str, str]]:
    """Create the demo users, catalog and incidents unless present; return (email, password, role) to print."""
    users = _users(ctx)
    if ctx.session.scalar(select(Service).where(Service.name == "WMS")) is None:
        services = _catalog(ctx, users)
        world = _incidents(ctx, users, services)
        for seed in _domain_seeds():
            seed(world)
            world.story.at(world.now)
        ctx.actor = world.story.ctx.actor
    return [(email, password, role) for email, _n, role, password, _tz in DEMO_USERS if email in PRINTED_USERS]


def _users(ctx: Ctx) -> dict[str, User]:
    users: dict[str, User] = {}
    for email, name, role, password, tz in DEMO_USERS:
        user = ctx.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = auth_service.create_user(ctx, email=email, name=name, role=role, password=password, timezone=tz)
        users[email] = user
    return users


def _catalog(ctx: Ctx, users: dict[str, User]) -> dict[str, Service]:
    for name, description, members in TEAMS:
        catalog.create_team(ctx, name=name, description=description, member_ids=[users[e].id for e in members])
    depends = {name: [on for dependent, on in DEPENDENCIES if dependent == name] for name, *_ in SERVICES}
    services: dict[str, Service] = {}
    for name, tier, team_name, description, public, runbook in SERVICES:
        services[name] = catalog.create_service(
            ctx,
            name=name,
            tier=tier,
            team=team_name,
            description=description,
            public=public,
            runbook_url=runbook,
            depends_on=depends[name],
        )
    for name, description, used in FUNCTIONS:
        catalog.create_function(ctx, name=name, description=description, services=list(used))
    return services


def _domain_seeds() -> list[Callable[[DemoWorld], None]]:
    """Each capability adds its demo data in this order (schedules before paging, status before comms)."""
    from warroom.comms import demo as comms_demo
    from warroom.contacts import demo as contacts_demo
    from warroom.intake import demo as intake_demo
    from warroom.maintenance import demo as maintenance_demo
    from warroom.paging import demo as paging_demo
    from warroom.reports import demo as reports_demo
    from warroom.review import demo as review_demo
    from warroom.schedules import demo as schedules_demo
    from warroom.silences import demo as silences_demo
    from warroom.status import demo as status_demo

    modules = (maintenance_demo, intake_demo, silences_demo, reports_demo, schedules_demo, contacts_demo, paging_demo)
    return [m.seed for m in (*modules, status_demo, comms_demo, review_demo)]


def _incidents(ctx: Ctx, users: dict[str, User], services: dict[str, Service]) -> DemoWorld:
    real_now = ctx.now().replace(second=0, microsecond=0)
    clock = FakeClock(real_now)
    story = Story(ctx=Ctx(session=ctx.session, clock=clock, settings=ctx.settings, source="ui"), clock=clock)
    alice, bob, dan, erin = (
        users[e] for e in ("alice@example.com", "bob@example.com", "dan@example.com", "erin@example.com")
    )
    labels = _past_label_outage(story, real_now - timedelta(days=19), erin, dan, services)
    storefront = _past_storefront_latency(story, real_now - timedelta(days=6), bob, alice, services)
    wms = _ongoing_wms_outage(story, real_now, alice, bob, dan, erin, services)
    incidents_by_key = {"labels": labels, "storefront": storefront, "wms": wms}
    return DemoWorld(story=story, users=users, services=services, incidents=incidents_by_key, now=real_now)


def _ongoing_wms_outage(
    story: Story, now: datetime, alice: User, bob: User, dan: User, erin: User, services: dict[str, Service]
) -> Incident:
    ctx = story.ctx
    start = now - timedelta(minutes=95)
    story.at(start + timedelta(minutes=7))
    story.act_as(bob)
    incident = incidents.declare_incident(
        ctx,
        title="WMS database index corrupted",
        severity="SEV1",
        summary="Order and stock lookups in the WMS fail or time out. Picking handhelds show empty pick lists; "
        "label printing has stopped for parcels that need a stock check.",
        services=[services["WMS"].id, services["Inventory DB"].id],
        impact="Picking is down in both warehouses during peak season; parcels are not leaving.",
        customers_affected=18000,
        regions=["DE", "NL", "PL"],
        segments=["B2C", "Marketplace sellers"],
        detected_at=start + timedelta(minutes=3),
        impact_started_at=start,
    )
    story.at(start + timedelta(minutes=9))
    incidents.acknowledge(ctx, incident)
    incidents.add_note(
        ctx,
        incident,
        body="Alert: WMS p99 order lookup latency above 20 s in both warehouses.",
        occurred_at=start + timedelta(minutes=3),
    )
    story.at(start + timedelta(minutes=11))
    story.act_as(alice)
    incidents.assign_role(ctx, incident, role="incident_commander", user_id=alice.id)
    incidents.assign_role(ctx, incident, role="technical_lead", user_id=bob.id)
    incidents.assign_role(ctx, incident, role="communications_lead", user_id=erin.id)
    incidents.add_note(ctx, incident, body="Bridge open. Bob leads diagnosis; Erin owns customer and carrier comms.")
    story.at(start + timedelta(minutes=24))
    story.act_as(bob)
    incidents.add_note(
        ctx,
        incident,
        body="Postgres logs show 'index \"stock_bin_idx\" contains unexpected zero page'. "
        "Queries using it return errors or fall back to sequential scans.",
    )
    incidents.change_status(
        ctx, incident, status="identified", note="Corrupted index stock_bin_idx on the inventory DB."
    )
    incidents.assign_role(ctx, incident, role="technical_lead", user_id=dan.id)
    story.at(start + timedelta(minutes=31))
    story.act_as(alice)
    incidents.add_task(
        ctx,
        incident,
        title="Rebuild stock_bin_idx concurrently on the primary",
        assignee_id=bob.id,
        due_at=now + timedelta(minutes=30),
    )
    incidents.add_task(
        ctx,
        incident,
        title="Switch picking to paper pick lists in both warehouses",
        assignee_id=dan.id,
        due_at=now - timedelta(minutes=40),
    )
    incidents.add_task(ctx, incident, title="Tell carriers the evening collection will be late", assignee_id=erin.id)
    story.at(start + timedelta(minutes=58))
    story.act_as(dan)
    incidents.add_note(ctx, incident, body="Workaround live: 70% of critical shipments now picked from paper lists.")
    tasks = incidents.list_tasks(ctx, incident)
    incidents.update_task(ctx, incident, tasks[1].id, status="done")
    incidents.update_task(ctx, incident, tasks[0].id, status="in_progress")
    story.at(now - timedelta(minutes=6))
    story.act_as(bob)
    incidents.add_note(ctx, incident, body="REINDEX CONCURRENTLY at 62%. ETA 15 minutes; replica lag normal.")
    story.at(now)
    return incident


def _past_label_outage(story: Story, start: datetime, erin: User, dan: User, services: dict[str, Service]) -> Incident:
    ctx = story.ctx
    story.at(start + timedelta(minutes=4))
    story.act_as(erin)
    incident = incidents.declare_incident(
        ctx,
        title="Carrier label API rejects DPD labels",
        severity="SEV2",
        summary="DPD label requests failed with HTTP 401 after the carrier rotated its API credentials.",
        services=[services["Carrier Label API"].id],
        impact="DPD parcels could not be labelled; other carriers unaffected.",
        customers_affected=2300,
        regions=["DE"],
        detected_at=start,
    )
    incidents.acknowledge(ctx, incident)
    incidents.assign_role(ctx, incident, role="incident_commander", user_id=erin.id)
    story.at(start + timedelta(minutes=20))
    incidents.change_status(ctx, incident, status="identified", note="Expired DPD API credentials.")
    story.at(start + timedelta(minutes=41))
    story.act_as(dan)
    incidents.change_status(ctx, incident, status="monitoring", note="New credentials deployed; labels print again.")
    story.at(start + timedelta(minutes=80))
    incidents.change_status(ctx, incident, status="resolved", note="No failures for 30 minutes.")
    return incident


def _past_storefront_latency(
    story: Story, start: datetime, bob: User, alice: User, services: dict[str, Service]
) -> Incident:
    ctx = story.ctx
    story.at(start + timedelta(minutes=2))
    story.act_as(bob)
    incident = incidents.declare_incident(
        ctx,
        title="Storefront checkout slow during flash sale",
        severity="SEV3",
        summary="Checkout p95 rose to 6 s when a flash sale started; caused by an undersized connection pool.",
        services=[services["Storefront"].id],
        impact="Checkout slower than usual; conversion dipped about 8% for 35 minutes.",
        detected_at=start,
    )
    incidents.acknowledge(ctx, incident)
    incidents.assign_role(ctx, incident, role="incident_commander", user_id=bob.id)
    story.at(start + timedelta(minutes=25))
    incidents.change_status(ctx, incident, status="monitoring", note="Pool size raised from 20 to 80.")
    story.at(start + timedelta(minutes=37))
    story.act_as(alice)
    incidents.change_status(ctx, incident, status="resolved")
    # Closing needs a published post-mortem: review/demo.py publishes it and then closes the incident.
    return incident
