"""What every page needs: the user's roles (for the navigation) and unread notifications."""

from typing import Any

from django.http import HttpRequest

from office.access import Role, client_account, staff_profile, user_roles
from office.models import Notification
from office.permissions import can_view_health


def intranet(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": frozenset(), "Role": Role}
    roles = user_roles(user)
    return {
        "roles": roles,
        "Role": Role,
        "my_profile": staff_profile(user),
        "my_client_account": client_account(user),
        "unread_notifications": Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count(),
        "can_view_health": can_view_health(user),
    }
