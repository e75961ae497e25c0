"""Permission-matrix entries for payments (payments/urls.py, namespace "payments").

Format: see the docstring of tests/permissions/test_url_matrix.py. A provider webhook that is
csrf_exempt must also be listed in tests/permissions/exemptions.py CSRF_EXEMPT_VIEWS.
"""

from __future__ import annotations

from tests.permissions.matrix import Entry

EXPECTATIONS: list[Entry] = []
