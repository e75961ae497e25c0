"""Thin Celery wrappers (STYLE.md §8)."""

from celery import shared_task

from marketing.actions.inquiries import inquiry_reply_sweep, inquiry_send_reply
from marketing.linkcheck import link_check_run


@shared_task
def link_check_task() -> dict[str, int]:
    return link_check_run()


@shared_task
def inquiry_reply_email_task(*, inquiry_id: int) -> bool:
    return inquiry_send_reply(inquiry_id=inquiry_id)


@shared_task
def inquiry_reply_sweep_task() -> int:
    return inquiry_reply_sweep()
