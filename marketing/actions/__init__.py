"""Writes of the public site, one module per topic (pages, content, inquiries, attribution)."""

from marketing.actions.attribution import service_order_attribute
from marketing.actions.content import (
    news_save,
    partner_save,
    resource_save,
    subject_link_save,
    subject_save,
)
from marketing.actions.inquiries import inquiry_answer, inquiry_create, inquiry_set_status
from marketing.actions.pages import page_save

__all__ = [
    "inquiry_answer",
    "inquiry_create",
    "inquiry_set_status",
    "news_save",
    "page_save",
    "partner_save",
    "resource_save",
    "subject_link_save",
    "service_order_attribute",
    "subject_save",
]
