from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _services_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICES_FAX_GATEWAY_ADDRESS = "{number}@fax-gateway.example"
    settings.PAYMENTS_BACKEND = "simulated"
