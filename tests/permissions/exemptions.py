"""The two lists that say "this is deliberately not like the rest". Each entry needs a reason.

URL_EXEMPTIONS     URL names (fnmatch patterns) the permission matrix does not cover, because
                   another test does. Unnamed patterns appear as "<namespace>:<unnamed ROUTE>".
CSRF_EXEMPT_VIEWS  URL names whose view may be ``csrf_exempt``. Everything else must check
                   the CSRF token. Payment-provider webhooks (signed by the provider, not by a
                   browser session) are the only expected members, e.g.
                   ``"payments:stripe_webhook": "Stripe signs the body; verified with STRIPE_WEBHOOK_SECRET"``.
"""

URL_EXEMPTIONS: dict[str, str] = {
    "admin:*": "Django admin: tests/permissions/test_admin.py (anon, client -> admin login; director -> 200).",
}

CSRF_EXEMPT_VIEWS: dict[str, str] = {
    "payments:stripe_webhook": "Stripe signs the body (Stripe-Signature, STRIPE_WEBHOOK_SECRET); bad signature -> 400.",
    "payments:simulated_webhook": "Signed like Stripe, SIMULATED_WEBHOOK_SECRET; 404 when the Stripe backend is on.",
    "procurement:vendor_webhook": (
        "Vendors sign the body (X-Vendor-Signature, HMAC-SHA256 with the vendor's secret); bad -> 400."
    ),
    "oai:endpoint": "OAI-PMH allows form POSTs from cookieless harvesters; public and read-only.",
    "sharing:iso18626": "ISO 18626 endpoint: sender must be an active partner (+ its code); else ERROR, no write.",
}
