"""The one way a view runs an action: check the form, call the action, report, answer.

Every app's POST views end in `run_action` (STYLE.md §6), so a refused action looks the same
everywhere and no view repeats the try/except/messages/redirect steps.

What the user gets back:

==========================  ==============================  ===============================
outcome                     plain POST                      htmx request (``request.htmx``)
==========================  ==============================  ===============================
done                        success message, redirect to    ``fragment`` rendered with the
                            ``redirect_to``                 result, and the messages area
                                                            out of band (``hx-swap-oob``);
                                                            no fragment: ``HX-Redirect``
invalid form                ``template`` given: the page    ``form_in_fragment``: the
                            again, errors at the fields;    fragment again, errors at the
                            else the errors as messages,    fields; else the errors as
                            redirect (nothing changed)      messages (below)
DomainError                 ``template`` given: the page    the error as a message (below)
                            again, the error in the form
                            (``error_field``); else the
                            error as a message, redirect
PermissionDenied            not caught: Django's 403        not caught: 403 (the script
                                                            below shows a generic alert)
==========================  ==============================  ===============================

How an htmx refusal is shown: a refused or invalid action is an answer, not an HTTP error,
just as a plain POST gets a redirect and a message. The answer is status 200 with the
messages partial (``partials/_messages.html``, the ``#messages`` container every page has
through ``base.html``) and ``HX-Retarget: #messages`` plus ``HX-Reswap: outerHTML``, so stock
htmx puts the message where messages go and leaves the row or form the user clicked as it
was. (htmx ignores the body of a 4xx answer: the 409 the approvals inbox used to send was
never seen.) Real HTTP errors stay errors (403, 404, 500, no connection);
``static/js/htmx-messages.js`` (loaded by base.html) puts a generic alert in ``#messages``
for those, so a click never does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from office.exceptions import DomainError

MESSAGES_TEMPLATE = "partials/_messages.html"
MESSAGES_TARGET = "#messages"  # the container in partials/_messages.html (htmx-messages.js uses it too)

# A URL, a URL name, or a URL name with its arguments: ("procurement:request_detail", pk).
Target = str | tuple[Any, ...]
Context = Mapping[str, Any] | Callable[[Any], Mapping[str, Any]]


def run_action(
    request: HttpRequest,
    form: forms.BaseForm | None,
    action: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str] | None,
    redirect_to: Target | Callable[[Any], Target],
    fragment: str | None = None,
    fragment_context: Context | None = None,
    form_in_fragment: bool = False,
    failure_redirect_to: Target | None = None,
    template: str | None = None,
    template_context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    error_field: str | None = None,
    invalid_message: str | None = None,
) -> HttpResponse:
    """Validate `form`, run `action(cleaned_data)` and answer (see the module docstring).

    - `action` gets the form's cleaned data (``{}`` without a form) and returns a result.
    - `success`: the message, or a function of the result giving it; empty for none.
    - `redirect_to`: where a plain POST goes when done, or a function of the result giving it.
    - `failure_redirect_to`: where a refused plain POST goes; defaults to `redirect_to`, and is
      required when that is a function (there is no result to give it).
    - `fragment`, `fragment_context`: what an htmx request gets back when done (the same
      fragment the page includes, STYLE.md §7). The context is a mapping or a function of the
      result; ``result`` is added. With `form_in_fragment` the fragment shows the form's
      fields, so an invalid form comes back in it (the context function is called with None).
    - `template`, `template_context`: the page that shows `form` (a GET and POST view); a
      refused POST renders it again (status 200) instead of redirecting, with the action's
      refusal among the form's errors: at `error_field`, or above the fields (None).
    - `invalid_message`: one message instead of the form's own errors.

    The action runs as it is: actions own their transactions (a payment commits before it
    calls the provider), so a refusal changes nothing because the action says so, not
    because this wraps it.
    """
    if callable(redirect_to) and failure_redirect_to is None and template is None:
        raise TypeError("run_action: redirect_to is a function of the result; give failure_redirect_to.")
    back = failure_redirect_to if failure_redirect_to is not None else redirect_to
    htmx = bool(getattr(request, "htmx", False))

    if form is not None and not form.is_valid():
        if htmx and fragment and form_in_fragment:
            return _render_fragment(request, fragment, {**_context(fragment_context, None), "form": form})
        if not htmx and template:
            return _render_page(request, template, template_context, form)
        for text in [invalid_message] if invalid_message else form_error_messages(form):
            messages.error(request, text)
        return _refused(request, htmx, back=back, template=template, context=template_context, form=form)

    try:
        result = action(dict(form.cleaned_data) if form is not None else {})
    except DomainError as exc:
        if template and form is not None and not htmx:
            form.add_error(error_field, str(exc))
            return _render_page(request, template, template_context, form)
        messages.error(request, str(exc))
        return _refused(request, htmx, back=back, template=template, context=template_context, form=form)

    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    if not htmx:
        return _redirect(target)
    if fragment is None:
        return HttpResponseClientRedirect(_url(target))
    return _render_fragment(request, fragment, {**_context(fragment_context, result), "result": result})


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Each error of the form as a line a person can read out of context ("Quantity: ...")."""
    lines = []
    for name, errors in form.errors.items():
        for error in errors:
            if name == NON_FIELD_ERRORS or name not in form.fields:
                lines.append(str(error))
            else:
                lines.append(_("%(field)s: %(error)s") % {"field": form[name].label, "error": error})
    return lines


def _context(context: Context | None, result: Any) -> dict[str, Any]:
    if context is None:
        return {}
    return dict(context(result) if callable(context) else context)


def _url(target: Target) -> str:
    if isinstance(target, tuple):
        return resolve_url(target[0], *target[1:])
    return resolve_url(target)


def _redirect(target: Target) -> HttpResponse:
    if isinstance(target, tuple):
        return redirect(target[0], *target[1:])
    return redirect(target)


def _render_fragment(request: HttpRequest, fragment: str, context: dict[str, Any]) -> HttpResponse:
    # The messages go along out of band, so the message of this action shows now (and is
    # consumed) rather than on the next full page.
    html = render_to_string(fragment, context, request=request)
    html += render_to_string(MESSAGES_TEMPLATE, {"messages_oob": True}, request=request)
    return HttpResponse(html)


def _render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None,
    form: forms.BaseForm | None,
) -> HttpResponse:
    values = dict(context() if callable(context) else context or {})
    if form is not None:
        values.setdefault("form", form)
    return HttpResponse(render_to_string(template, values, request=request))


def _refused(
    request: HttpRequest,
    htmx: bool,
    *,
    back: Target | Callable[[Any], Target],
    template: str | None,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None,
    form: forms.BaseForm | None,
) -> HttpResponse:
    """Nothing was changed: the messages are queued; say so in the way the request expects."""
    if htmx:
        response = HttpResponse(render_to_string(MESSAGES_TEMPLATE, {}, request=request))
        return reswap(retarget(response, MESSAGES_TARGET), "outerHTML")
    if template:
        return _render_page(request, template, context, form)
    assert not callable(back)  # run_action refuses that combination up front
    return _redirect(back)
