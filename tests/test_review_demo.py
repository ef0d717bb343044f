"""The demo's two resolved incidents have published post-mortems with action items, one of them overdue."""

from __future__ import annotations

from sqlalchemy import select

from warroom import demo
from warroom.incidents.models import Incident
from warroom.review import service
from warroom.review.models import ActionItem, Postmortem


def test_demo_postmortems_are_published_with_action_items(make_ctx):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        rows = ctx.session.execute(
            select(Incident.title, Incident.status, Postmortem.status)
            .join(Postmortem, Postmortem.incident_id == Incident.id)
            .order_by(Incident.id)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("Carrier label API rejects DPD labels", "resolved", "published"),
            ("Storefront checkout slow during flash sale", "closed", "published"),
        ]
        items = list(ctx.session.scalars(select(ActionItem).order_by(ActionItem.id)))
        assert len(items) == 3
        overdue = [i.title for i in items if service.is_overdue(i, ctx.now())]
        assert overdue == ["Add an alert on carrier API 401 responses"]
        metrics = service.collect_metrics(ctx, since=ctx.now().replace(year=ctx.now().year - 1))
        assert metrics["overall"]["incidents"] == 3
        assert metrics["overall"]["time_to_resolve"]["count"] == 2
