"""Views of the union catalog: thin, parse → call an action or selector → render.

Staff pages use `staff_required` (anonymous → login, clients → 403); a record the user may
not see is a 404 because every look-up starts from `visible_to(user)`. The public catalog
(`public_*`) shows shared records only and needs no login.

One module per topic; urls.py imports them directly:

    catalog         the search and the classification browse (staff and public)
    records         a record's page, the office's own records, creating, editing, versions
    review          submitting, the review queue, approve | reject | return
    holdings        copy cataloging, editing a holding
    import_export   MARC upload and import jobs, the catalog export
    statements      the fee ledger, closing a month, a statement's page, PDF and payment
    fees            the fee schedules page (issue 16)
    oai_sru         the SRU and OAI-PMH endpoints
    common          PAGE_SIZE and the small helpers the topics share
"""
