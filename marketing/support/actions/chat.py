"""Live chat: a visitor's conversation with customer service.

open (the visitor wrote; customer service owes an answer) -> waiting (staff answered) -> open
... -> closed (the visitor or staff end it; the transcript is kept). Outside staffed hours no
conversation starts: `offline_message_send` turns the message into an inquiry.

Every message is numbered under the conversation's row lock (`seq`, unique per conversation),
so messages arriving together from both sides are stored in one order and none is lost.
Typing marks are not audited: they are a few-seconds hint, written every few seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.support import permissions
from marketing.support.hours import is_staffed
from marketing.support.models import ChatMessage, Conversation
from office import audit
from office.access import client_account, staff_profile
from office.actions import notify
from office.exceptions import DomainError
from office.queue import enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Side = ChatMessage.Side
Status = Conversation.Status
MAX_MESSAGE = 2000


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write a message first."))
    if len(text) > MAX_MESSAGE:
        raise DomainError(_("A message can be at most %(count)d characters.") % {"count": MAX_MESSAGE})
    return text


def _display_name(user: Any) -> str:
    profile = staff_profile(user)
    return profile.display_name if profile else user.get_username()


def _append(conversation: Conversation, *, side: str, text: str, author: Any = None, params: Any = None) -> ChatMessage:
    """Add a message to a conversation locked by the caller; bumps what the polls compare."""
    conversation.last_message_seq += 1
    now = timezone.now()
    message = ChatMessage.objects.create(
        conversation=conversation,
        seq=conversation.last_message_seq,
        side=side,
        author=author if author is not None and getattr(author, "is_authenticated", False) else None,
        author_name=_display_name(author) if side == Side.STAFF and author is not None else "",
        text=text,
        params=params,
        created_at=now,
    )
    conversation.changed_at = now
    return message


def _locked(*, conversation_id: int | None = None, token: str | None = None) -> Conversation:
    qs = Conversation.objects.select_for_update()
    try:
        return qs.get(pk=conversation_id) if conversation_id is not None else qs.get(token=token or "")
    except Conversation.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def conversation_start(
    *, name: str, email: str, message: str, language: str, page_url: str = "", user: Any = None
) -> Conversation:
    """A visitor starts a chat in staffed hours. A signed-in client is known by the account
    (its name and e-mail are used); anybody else gives a name and an e-mail address."""
    text = _clean(message)
    if not is_staffed():
        raise DomainError(_("Customer service is not online now. Leave a message and we will answer by e-mail."))
    account = client_account(user) if user is not None else None
    if account is not None:
        name, email = account.display_name or user.get_username(), user.email or email
    if not (name or "").strip() or not (email or "").strip():
        raise DomainError(_("Enter your name and e-mail address."))
    conversation = Conversation.objects.create(
        user=user if account is not None else None,
        client=account,
        name=name.strip()[:120],
        email=email.strip(),
        language=(language or "en")[:10],
        page_url=(page_url or "")[:500],
    )
    _append(conversation, side=Side.VISITOR, text=text)
    conversation.save()
    audit.record(actor=user, target=conversation, verb="support.conversation.started", data={"language": language})
    return conversation


@transaction.atomic
def visitor_message_post(*, token: str, text: str) -> ChatMessage:
    """The visitor writes; the conversation becomes open (customer service's turn)."""
    text = _clean(text)
    conversation = _locked(token=token)
    if conversation.is_closed:
        raise DomainError(_("This chat has ended. Start a new one to write again."))
    message = _append(conversation, side=Side.VISITOR, text=text)
    if conversation.status != Status.OPEN:
        conversation.move_to(Status.OPEN)
    conversation.visitor_typing_at = None
    conversation.save()
    return message


@transaction.atomic
def staff_message_post(*, conversation_id: int, actor: User, text: str) -> ChatMessage:
    """Customer service answers; an unassigned conversation becomes the writer's."""
    if not permissions.can_answer(actor):
        raise PermissionDenied
    text = _clean(text)
    conversation = _locked(conversation_id=conversation_id)
    if conversation.is_closed:
        raise DomainError(_("This chat has ended."))
    if conversation.assigned_to_id is None:
        conversation.assigned_to = actor
    message = _append(conversation, side=Side.STAFF, text=text, author=actor)
    if conversation.status != Status.WAITING:
        conversation.move_to(Status.WAITING)
    conversation.staff_typing_at = None
    conversation.save()
    return message


def typing_mark(*, token: str | None = None, conversation_id: int | None = None, actor: Any = None) -> None:
    """Note that one side is typing (one UPDATE, no lock: the last mark wins, and that is right)."""
    now = timezone.now()
    if token is not None:
        Conversation.objects.filter(token=token).exclude(status=Status.CLOSED).update(visitor_typing_at=now)
        return
    if not permissions.can_answer(actor):
        raise PermissionDenied
    Conversation.objects.filter(pk=conversation_id).exclude(status=Status.CLOSED).update(
        staff_typing_at=now, staff_typing_name=_display_name(actor)[:120]
    )


@transaction.atomic
def conversation_transfer(*, conversation_id: int, actor: User, to_user_id: int) -> Conversation:
    """Hand the conversation to a colleague in customer service; the colleague is told."""
    if not permissions.can_answer(actor):
        raise PermissionDenied
    from django.contrib.auth import get_user_model

    colleague = get_user_model().objects.filter(pk=to_user_id, is_active=True).first()
    if colleague is None or not permissions.is_customer_service(colleague):
        raise DomainError(_("Choose a colleague in customer service."))
    conversation = _locked(conversation_id=conversation_id)
    if conversation.is_closed:
        raise DomainError(_("This chat has ended."))
    if conversation.assigned_to_id == colleague.pk:
        raise DomainError(_("The chat is already assigned to that colleague."))
    conversation.assigned_to = colleague
    _append(
        conversation,
        side=Side.SYSTEM,
        text=gettext_noop("%(name)s took over the chat."),
        params={"name": _display_name(colleague)},
    )
    conversation.save()
    audit.record(actor=actor, target=conversation, verb="support.conversation.transferred", data={"to": colleague.pk})
    notify(
        recipient_id=colleague.pk,
        verb="support.conversation.transferred",
        title=gettext_noop("%(colleague)s passed you a chat with %(visitor)s"),
        params={"colleague": _display_name(actor), "visitor": conversation.name},
        url=reverse("support:console_conversation", kwargs={"pk": conversation.pk}),
        send_email=False,
    )
    return conversation


@transaction.atomic
def conversation_close(
    *, actor: Any = None, token: str | None = None, conversation_id: int | None = None
) -> Conversation:
    """End the chat, by the visitor (token) or by customer service. The transcript is kept; a
    client's closed chat gets a satisfaction survey from the next sweep."""
    if token is None and not permissions.can_answer(actor):
        raise PermissionDenied
    conversation = _locked(conversation_id=conversation_id, token=token)
    if conversation.is_closed:
        return conversation  # ending twice (two tabs) changes nothing
    conversation.move_to(Status.CLOSED)
    conversation.closed_at = timezone.now()
    by_visitor = token is not None
    _append(
        conversation,
        side=Side.SYSTEM,
        text=gettext_noop("The visitor ended the chat.")
        if by_visitor
        else gettext_noop("Customer service ended the chat."),
        params={},
    )
    conversation.save()
    audit.record(
        actor=actor,
        target=conversation,
        verb="support.conversation.closed",
        data={"by": "visitor" if by_visitor else "staff"},
    )
    return conversation


@transaction.atomic
def transcript_request(*, token: str) -> Conversation:
    """The visitor asks for the transcript by e-mail (sent by a task; the sweep catches up)."""
    conversation = _locked(token=token)
    if conversation.transcript_requested_at and not conversation.transcript_sent_at:
        return conversation  # already on its way
    conversation.transcript_requested_at = timezone.now()
    conversation.transcript_sent_at = None
    conversation.save(update_fields=["transcript_requested_at", "transcript_sent_at", "updated_at"])
    audit.record(actor=None, target=conversation, verb="support.transcript.requested")
    enqueue_on_commit("marketing.support.tasks.transcript_send_task", conversation_id=conversation.pk)
    return conversation


def offline_message_send(
    *, name: str, email: str, message: str, language: str, page_url: str = "", user: Any = None
) -> Any:
    """Outside staffed hours: the message becomes an inquiry in customer service's queue,
    answered by e-mail (the public site's inquiry API, marketing.actions)."""
    from marketing.actions import inquiry_create

    account = client_account(user) if user is not None else None
    if account is not None:
        name, email = account.display_name or user.get_username(), user.email or email
    return inquiry_create(
        kind="chat",
        name=(name or "").strip(),
        email=(email or "").strip(),
        message=_clean(message),
        language=language,
        source_url=(page_url or "")[:500],
        user=user if account is not None else None,
    )
