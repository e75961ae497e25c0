"""Campaign → order attribution for the marketing dashboard (analytics, not business data)."""

from __future__ import annotations

from marketing.models import ServiceOrderCampaign


def service_order_attribute(*, order_id: int, campaign: str) -> ServiceOrderCampaign | None:
    """Record the campaign a service order came through; the first attribution stays (an
    order is attributed once). Nothing is written without a campaign."""
    campaign = (campaign or "").strip()[:80]
    if not campaign:
        return None
    attribution, _created = ServiceOrderCampaign.objects.get_or_create(
        order_id=order_id, defaults={"campaign": campaign}
    )
    return attribution
