"""The contacts service: contact methods, notification rules, paging one person, acknowledge links.

Other domains import from here only. The paging engine calls `page_user`; the on-call health report
calls `pages_received`.
"""

from __future__ import annotations

from warroom.contacts.ack import ack_url, acknowledge_by_link, make_token, read_token
from warroom.contacts.methods import (
    add_contact_method,
    add_rule,
    delete_contact_method,
    delete_rule,
    get_contact_method,
    list_contact_methods,
    list_rules,
)
from warroom.contacts.pages import (
    PageRecord,
    incident_pages,
    page_user,
    pages_received,
    send_test_notification,
    urgency_of,
    user_pages,
)

__all__ = [
    "PageRecord",
    "ack_url",
    "acknowledge_by_link",
    "add_contact_method",
    "add_rule",
    "delete_contact_method",
    "delete_rule",
    "get_contact_method",
    "incident_pages",
    "list_contact_methods",
    "list_rules",
    "make_token",
    "page_user",
    "pages_received",
    "read_token",
    "send_test_notification",
    "urgency_of",
    "user_pages",
]
