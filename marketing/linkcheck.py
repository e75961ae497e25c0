"""The weekly link check of the subject navigation: every outside link is asked for (HEAD,
then GET where a server refuses HEAD); a link that fails (error, timeout, HTTP 4xx/5xx) is
flagged dead and the curators are told once, when it turns dead. A link that answers again
is cleared. Idempotent: running it twice changes nothing more."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from marketing.models import SubjectLink
from office.actions import notify
from office.functions import member_user_ids
from office.models import Function

logger = logging.getLogger(__name__)
TIMEOUT = 10
USER_AGENT = "OfficeLinkChecker/1.0"


def probe(url: str) -> tuple[bool, str]:
    """(alive, what happened) for one address."""
    last = ""
    for method in ("HEAD", "GET"):
        # The links are URLFields (http/https only), checked by the form and the model.
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http/https only: URLField)
                return True, str(response.status)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code not in (405, 501):  # HEAD not allowed: ask again with GET
                return False, last
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return False, str(getattr(exc, "reason", exc))[:60]
    return False, last


def curator_ids() -> list[int]:
    """The home office's navigation units, and the heads of its information development."""
    curators = set(member_user_ids(Function.NAVIGATION, organization__is_home=True))
    curators |= set(
        member_user_ids(Function.INFORMATION_DEVELOPMENT, organization__is_home=True, position__role="head")
    )
    return sorted(curators)


def _record(link_id: int, alive: bool, status: str) -> bool:
    """Store one result; True when the link has just turned dead."""
    with transaction.atomic():
        link = SubjectLink.objects.select_for_update().get(pk=link_id)
        turned_dead = not alive and not link.dead
        link.dead, link.last_status, link.last_checked = not alive, status, timezone.now()
        link.save(update_fields=["dead", "last_status", "last_checked"])
    return turned_dead


def link_check_run() -> dict[str, int]:
    links = list(SubjectLink.objects.exclude(url="").values_list("pk", "url", "title"))
    newly_dead: list[tuple[int, str, str]] = []
    dead = 0
    for pk, url, title in links:
        alive, status = probe(url)
        dead += not alive
        if _record(pk, alive, status):
            newly_dead.append((pk, url, title))
    if newly_dead:
        _tell_curators(newly_dead)
    return {"checked": len(links), "dead": dead, "newly_dead": len(newly_dead)}


def _tell_curators(links: list[tuple[int, str, str]]) -> None:
    listing = "\n".join(f"- {title}: {url}" for _pk, url, title in links)
    with transaction.atomic():
        for user_id in curator_ids():
            notify(
                recipient_id=user_id,
                verb="marketing.subject_link.dead",
                title=gettext_noop("%(count)s subject navigation links are dead"),
                body=gettext_noop("The weekly link check found these links dead:\n%(links)s"),
                params={"count": len(links), "links": listing},
                url=reverse("marketing_manage:subject_list") + "?dead=1",
            )
