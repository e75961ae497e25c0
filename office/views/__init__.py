"""Views of the org-structure app: thin — parse, call a selector or action, render. One module
per topic (STYLE §1); office/routes.py and office/urls.py import the modules themselves.

    home            the intranet home (staff, client or partner desk) and the error pages
    health          the health page, the schedule overview, the monitoring probe
    directory       the staff directory, a person's page, my profile, a department's page
    documents       policy and job-duty documents
    announcements   announcements
    budgets         budget lines and the director's allocation
    notifications   a person's notifications
    audit           the audit log
    backups         backup history (technical services)
    equipment       equipment and maintenance tickets (technical services)
    techsvc         technical services' edit pages: schedules, retention, the inventory
    org             the leadership office's org-structure pages
    people          the leadership office's personnel pages
    language        a person's own language: the switcher, the log-in receiver, the middleware
    common          the page size, a paginated page, the viewer's office

`run_action`, which every app's POST views end in, stays in office/views_support.py.
"""
