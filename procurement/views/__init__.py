"""Purchasing pages, one module per topic. Thin: parse, call one action or selector, render.
Every object comes from `visible_to(user)` (another office's → 404); a function the role may not
use → 403. procurement/urls.py imports the views from their modules:

- `vendors`: vendors and their catalogs, catalog search and price comparison
- `cart`: the cart and checking it out into a request
- `purchase_requests`: the request list and page, editing, submitting, cancelling, placing orders
- `approval`: approve / reject / return, the approvals inbox, deputies, approval limits
- `orders`: the order list and page, PDF, paying, cancelling, receiving, invoicing, closing
- `tracking`: the order timeline, tracking news from staff, the vendor webhook
- `licences`: usage-right licences
- `reports`: spending reports
- `common`: paging and the request / order lookups the modules share
"""
