"""The visitor's side of the chat, and the client's surveys. The console is in views_console.py.

The chat works without JavaScript (a page with plain forms, reloaded by hand) and with htmx
(the widget's panel, its log polled every few seconds). A poll carries the ETag of the log it
shows; when nothing changed the answer is a 304 after one one-row query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.cache import parse_etags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.support import actions, selectors
from marketing.support.forms import MessageForm, StartForm, SurveyForm
from marketing.support.hours import is_staffed, support_hours
from marketing.support.models import Conversation, SurveyInvitation
from office.access import client_account, client_required
from office.ratelimit import address_allows, limit_posts_per_ip
from office.views_support import run_action

CHAT_FRAGMENT = "support/_chat.html"


def _user_or_none(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _page_from(request: HttpRequest) -> str:
    """The page the visitor was on: the form carries it; the no-JS link passes ?from=; htmx
    sends the page it runs on (not ours: the chat page itself says nothing)."""
    current = request.htmx.current_url_abs_path if getattr(request, "htmx", False) else ""
    for page in (request.POST.get("page", ""), request.GET.get("from", ""), current or ""):
        if page.startswith("/") and not page.startswith(("//", "/support/")):
            return page[:500]
    return ""


def _chat_context(request: HttpRequest, conversation: Conversation | None, form: Any = None) -> dict[str, Any]:
    known = client_account(request.user) is not None
    context: dict[str, Any] = {
        "conversation": conversation,
        "staffed": is_staffed(),
        "hours": support_hours(),
        "known_client": known,
        "page": _page_from(request),
    }
    if conversation is not None:
        context["chat_messages"] = selectors.chat_log(conversation)
        context["etag"] = selectors.visitor_poll_etag(conversation.token)
        context["message_form"] = MessageForm()
    if conversation is None or conversation.is_closed:
        context["form"] = form or StartForm(initial={"page": context["page"]})
    return context


@require_GET
def chat(request: HttpRequest) -> HttpResponse:
    """The chat as a page (the widget's link without JavaScript, and its fallback)."""
    conversation = selectors.visitor_conversation(request)
    return render(request, "support/chat.html", {**_chat_context(request, conversation), "hide_support_widget": True})


@require_GET
def widget(request: HttpRequest) -> HttpResponse:
    """The widget's panel, fetched by htmx when the visitor opens it (never cached with a page)."""
    conversation = selectors.visitor_conversation(request)
    return render(request, "support/_panel.html", _chat_context(request, conversation))


def _refuse_rate(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)


@require_POST
@limit_posts_per_ip("support_chat")
def chat_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST, known=client_account(request.user) is not None)

    def start(data: dict[str, Any]) -> Conversation:
        conversation = actions.conversation_start(
            name=data["name"],
            email=data["email"],
            message=data["message"],
            language=get_language(),
            page_url=_page_from(request),
            user=_user_or_none(request),
        )
        request.session[selectors.SESSION_KEY] = conversation.token
        return conversation

    return run_action(
        request,
        form,
        start,
        success="",
        redirect_to="support:chat",
        fragment=CHAT_FRAGMENT,
        fragment_context=lambda conversation: _chat_context(request, conversation, form),
        form_in_fragment=True,
    )


@require_POST
@limit_posts_per_ip("support_offline")
def chat_offline(request: HttpRequest) -> HttpResponse:
    """Outside staffed hours: the message becomes an inquiry answered by e-mail."""
    form = StartForm(request.POST, known=client_account(request.user) is not None)
    if form.is_valid() and not address_allows("support_offline", form.cleaned_data.get("email") or "?"):
        return _refuse_rate(request)
    return run_action(
        request,
        form,
        lambda data: actions.offline_message_send(
            name=data["name"],
            email=data["email"],
            message=data["message"],
            language=get_language(),
            page_url=_page_from(request),
            user=_user_or_none(request),
        ),
        success=_("Thank you. Customer service will answer by e-mail."),
        redirect_to="support:chat",
        fragment=CHAT_FRAGMENT,
        fragment_context=lambda result: {**_chat_context(request, None), "offline_sent": result is not None},
        form_in_fragment=True,
    )


def _conversation(token: str) -> Conversation:
    return get_object_or_404(Conversation, token=token)


@require_GET
def chat_poll(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's log, or 304 when it has not changed since the ETag the widget holds."""
    etag = selectors.visitor_poll_etag(token)
    if etag is None:
        raise Http404
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    conversation = _conversation(token)
    context = {"conversation": conversation, "chat_messages": selectors.chat_log(conversation), "etag": etag}
    response = render(request, "support/_chat_log.html", {**context, "side": "visitor"})
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@limit_posts_per_ip("support_chat")
def chat_send(request: HttpRequest, token: str) -> HttpResponse:
    conversation = _conversation(token)
    if not address_allows("support_chat", token):
        return _refuse_rate(request)
    form = MessageForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions.visitor_message_post(token=token, text=data["text"]),
        success="",
        redirect_to="support:chat",
        fragment=CHAT_FRAGMENT,
        fragment_context=lambda _result: _chat_context(request, Conversation.objects.get(pk=conversation.pk)),
    )


@require_POST
def chat_typing(request: HttpRequest, token: str) -> HttpResponse:
    _conversation(token)
    actions.typing_mark(token=token)
    return HttpResponse(status=204)


@require_POST
@limit_posts_per_ip("support_chat")
def chat_close(request: HttpRequest, token: str) -> HttpResponse:
    _conversation(token)
    return run_action(
        request,
        None,
        lambda _data: actions.conversation_close(actor=_user_or_none(request), token=token),
        success="",
        redirect_to="support:chat",
        fragment=CHAT_FRAGMENT,
        fragment_context=lambda conversation: _chat_context(request, conversation),
    )


@require_POST
@limit_posts_per_ip("support_transcript")
def chat_transcript(request: HttpRequest, token: str) -> HttpResponse:
    _conversation(token)
    return run_action(
        request,
        None,
        lambda _data: actions.transcript_request(token=token),
        success=_("The transcript is on its way to your e-mail address."),
        redirect_to="support:chat",
        fragment=CHAT_FRAGMENT,
        fragment_context=lambda conversation: _chat_context(request, conversation),
    )


# --- surveys (the client's side) --------------------------------------------------------------


@client_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    surveys = SurveyInvitation.objects.filter(user_id=request.user.pk).select_related("department")
    return render(request, "support/my_surveys.html", {"surveys": surveys})


@login_required
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = selectors.survey_for(user=request.user, token=token)
    except SurveyInvitation.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        return render(request, "support/survey_answer.html", {"survey": survey, "form": SurveyForm()})
    form = SurveyForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: actions.survey_answer(
            token=token, actor=request.user, score=data["score"], comment=data["comment"], ratings=form.ratings()
        ),
        success=_("Thank you for your answer."),
        redirect_to=("support:survey_answer", token),
        template="support/survey_answer.html",
        template_context={"survey": survey},
    )
