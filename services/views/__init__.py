"""Views of the services app: thin — parse, call a selector or action, render.

Somebody else's order (or file, or download link) is a 404: every lookup starts from
`visible_to(user)`. A function the role may not use is a 403 (the action raises
PermissionDenied). Domain refusals come back as a message on the order page.

One module per topic (STYLE §1); services/urls.py imports them, this package exports nothing:

    catalog         the public catalogue, managing the offerings
    clients         registration, e-mail confirmation, the client's profile
    orders          ordering, the order list and page; quote, accept, decline, cancel
    order_payment   pay, refund, the invoice
    work            assign, start, messages and work log, files
    delivery        deliver, the download link, the formal report, the client's confirmation
    queue           the staff work queue and its export
    subscriptions   subscriptions and their digests
    consultations   consultations
    training        training sessions and registrations, the iCalendar event
    common          what the order views share: the order lookup, one order action, confirmations
"""
