"""The demo dataset's escalation policy: primary → secondary → Alice on the WMS services."""

from __future__ import annotations

from sqlalchemy import select

from warroom import demo
from warroom.catalog.models import Service
from warroom.paging.models import EscalationPolicy, ServicePaging
from warroom.schedules.models import Schedule


def test_the_demo_attaches_the_wms_escalation_policy_to_the_warehouse_services(make_ctx):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        policy = ctx.session.scalar(select(EscalationPolicy).where(EscalationPolicy.name == "WMS escalation"))
        assert policy is not None
        names = {s.id: s.name for s in ctx.session.scalars(select(Schedule))}
        targets = [
            [names.get(t["id"], t["id"]) if t["type"] == "schedule" else "user" for t in r["targets"]]
            for r in policy.rules
        ]
        assert targets == [["WMS primary"], ["WMS secondary"], ["user"]]
        paged = ctx.session.scalars(
            select(Service.name).join(ServicePaging, ServicePaging.service_id == Service.id).order_by(Service.name)
        )
        assert list(paged) == ["Inventory DB", "Picking", "WMS"]


def test_a_sev1_declared_on_the_demo_wms_pages_whoever_is_on_call_for_it(make_ctx, db, clock, settings):
    from warroom.contacts.models import PageDelivery
    from warroom.incidents import service as incidents
    from warroom.jobs.worker import Worker
    from warroom.schedules import service as schedules

    with make_ctx() as ctx:
        demo.load(ctx)
    Worker(db, clock, settings).run_due()  # the demo's own queued work first
    with make_ctx() as ctx:
        primary = ctx.session.scalar(select(Schedule).where(Schedule.name == "WMS primary"))
        on_call = [u.id for u in schedules.on_call_users(ctx.session, primary.id, clock.now())]
        incident = incidents.declare_incident(ctx, title="WMS down again", severity="SEV1", services=["WMS"]).id
    assert len(on_call) == 1
    Worker(db, clock, settings).run_due()
    with make_ctx() as ctx:
        pages = ctx.session.scalars(select(PageDelivery).where(PageDelivery.incident_id == incident))
        first = sorted({(p.user_id, p.page_key) for p in pages if p.delay_minutes == 0})
    assert first == [(on_call[0], f"{incident}:0:0:{on_call[0]}:0")]
