"""Consortium pages, one module per topic. Thin: parse, call one action or selector, render.

Depths of visibility (querysets.py): the directory card for offices that may join; everything
inside (members, election, negotiation, contracts of the consortium) for member offices and the
provider's representatives only — anybody else gets a 404. A member sees only its own contract
and its own payment. Provider representatives have no staff profile, so the pages they use
check `login_required` plus the queryset instead of `staff_required`.

procurement/consortia/urls.py imports the views from their modules:

- `consortium`: the directory, founding, the consortium page, cancelling, renewing, the dashboard
- `membership`: applying, inviting, answering, deciding, leaving, representative, commitment
- `election`: electing the negotiator
- `negotiation`: the negotiation room and offers
- `contracts`: issuing, showing, signing and paying member contracts
- `common`: the lookups the modules share
"""
