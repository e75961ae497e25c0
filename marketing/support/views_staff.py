"""Staff pages: customer service's chat console, transcripts and canned answers; the survey
dashboard and follow-ups for the leadership office and department heads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.cache import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.support import actions, permissions, selectors
from marketing.support.forms import CannedAnswerForm, NoteForm, ReplyForm, TransferForm
from marketing.support.models import CannedAnswer, Conversation, SurveyFollowUp
from office.views_support import run_action

CONSOLE_FRAGMENT = "support/_console_conversation.html"


def console_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_use_console(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def answer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Writing in a chat: customer service only (the leadership may look on from the console)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_answer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def surveys_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_view_surveys(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    return None


def _with_etag(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    return response


# --- the console ---------------------------------------------------------------------------------


@console_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    context = {"conversations": selectors.console_conversations(), "etag": selectors.console_etag(request.user)}
    return render(request, "support/console.html", {**context, "hide_support_widget": True})


@console_required
@require_GET
def console_poll(request: HttpRequest) -> HttpResponse:
    etag = selectors.console_etag(request.user)
    unchanged = _not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    context = {"conversations": selectors.console_conversations(), "etag": etag}
    return _with_etag(render(request, "support/_console_list.html", context), etag)


def _conversation_context(request: HttpRequest, conversation: Conversation, **extra: Any) -> dict[str, Any]:
    colleagues = selectors.colleagues(exclude_id=conversation.assigned_to_id)
    return {
        "conversation": conversation,
        "chat_messages": selectors.chat_log(conversation),
        "etag": selectors.staff_poll_etag(conversation.pk),
        "context": selectors.visitor_context(conversation),
        "can_answer": permissions.can_answer(request.user) and not conversation.is_closed,
        "reply_form": extra.get("reply_form") or ReplyForm(language=conversation.language),
        "transfer_form": TransferForm(colleagues=colleagues),
        "has_colleagues": bool(colleagues),
        "canned": selectors.canned_answers(),
        "hide_support_widget": True,
    }


@console_required
@require_GET
def console_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation.objects.select_related("client", "assigned_to"), pk=pk)
    return render(request, "support/console_conversation.html", _conversation_context(request, conversation))


@console_required
@require_GET
def console_log(request: HttpRequest, pk: int) -> HttpResponse:
    etag = selectors.staff_poll_etag(pk)
    if etag is None:
        raise Http404
    unchanged = _not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    conversation = get_object_or_404(Conversation, pk=pk)
    context = {"conversation": conversation, "chat_messages": selectors.chat_log(conversation), "etag": etag}
    return _with_etag(render(request, "support/_chat_log.html", {**context, "side": "staff"}), etag)


def _console_action(request: HttpRequest, pk: int, form: Any, action: Callable[[dict[str, Any]], Any]) -> HttpResponse:
    return run_action(
        request,
        form,
        action,
        success="",
        redirect_to=("support:console_conversation", pk),
        fragment=CONSOLE_FRAGMENT,
        fragment_context=lambda _r: _conversation_context(request, Conversation.objects.get(pk=pk)),
    )


@answer_required
@require_POST
def console_reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = ReplyForm(request.POST, language=conversation.language)
    return _console_action(
        request,
        pk,
        form,
        lambda data: actions.staff_message_post(conversation_id=pk, actor=request.user, text=data["text"]),
    )


@answer_required
@require_POST
def console_typing(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Conversation, pk=pk)
    actions.typing_mark(conversation_id=pk, actor=request.user)
    return HttpResponse(status=204)


@answer_required
@require_POST
def console_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = TransferForm(request.POST, colleagues=selectors.colleagues(exclude_id=conversation.assigned_to_id))
    return _console_action(
        request,
        pk,
        form,
        lambda data: actions.conversation_transfer(
            conversation_id=pk, actor=request.user, to_user_id=data["to_user_id"]
        ),
    )


@answer_required
@require_POST
def console_close(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Conversation, pk=pk)
    return _console_action(
        request, pk, None, lambda _data: actions.conversation_close(conversation_id=pk, actor=request.user)
    )


@console_required
@require_GET
def transcripts(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.transcript_search(query)[:100]
    return render(request, "support/transcripts.html", {"results": results, "q": query, "hide_support_widget": True})


@console_required
def canned_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The canned answers, and the form to add one (or change `pk`)."""
    answer = get_object_or_404(CannedAnswer, pk=pk) if pk else CannedAnswer()
    form = CannedAnswerForm(request.POST or None, instance=answer)
    context = {
        "answers": CannedAnswer.objects.all(),
        "answer": answer,
        "can_edit": permissions.can_answer(request.user),
    }
    if request.method != "POST":
        return render(request, "support/canned_list.html", {**context, "form": form})
    if not context["can_edit"]:
        raise PermissionDenied
    return run_action(
        request,
        form,
        lambda _data: actions.canned_answer_save(answer=form.save(commit=False), actor=request.user),
        success=_("Canned answer saved."),
        redirect_to="support:canned_list",
        template="support/canned_list.html",
        template_context=context,
    )


# --- surveys (staff) ---------------------------------------------------------------------------


@surveys_required
@require_GET
def survey_dashboard(request: HttpRequest) -> HttpResponse:
    rollup = selectors.survey_rollup(user=request.user)
    follow_ups = selectors.follow_ups_visible_to(request.user).filter(status=SurveyFollowUp.Status.OPEN)[:50]
    return render(request, "support/survey_dashboard.html", {"rollup": rollup, "follow_ups": follow_ups})


def _follow_up(request: HttpRequest, pk: int) -> SurveyFollowUp:
    return get_object_or_404(selectors.follow_ups_visible_to(request.user), pk=pk)


@surveys_required
@require_GET
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    context = {"follow_up": follow_up, "form": NoteForm(), "can_close": _can_close(request.user, follow_up)}
    return render(request, "support/follow_up_detail.html", context)


def _can_close(user: Any, follow_up: SurveyFollowUp) -> bool:
    return follow_up.status == SurveyFollowUp.Status.OPEN and permissions.can_close_follow_up(
        user, follow_up.department
    )


@surveys_required
@require_POST
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = NoteForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions.follow_up_close(follow_up_id=pk, actor=request.user, note=data["note"]),
        success=_("Follow-up closed."),
        redirect_to=("support:follow_up_detail", pk),
        template="support/follow_up_detail.html",
        template_context=lambda: {"follow_up": follow_up, "can_close": _can_close(request.user, follow_up)},
    )
