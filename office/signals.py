"""Keep role groups in step with profiles, whoever saves them (actions, admin, shell)."""

from typing import Any

from office.access import sync_role_groups


def profile_saved(sender: Any, instance: Any, **_kwargs: Any) -> None:
    sync_role_groups(instance.user)
