"""The page header and sortable column headers (docs/ui.md).

{% load page_ui %}
{% url "procurement:request_list" as list_url %}
{% crumbs _("Purchase requests") list_url pr.reference as trail %}
{% pageheader title=pr.reference crumbs=trail primary_url=new_url primary_label=_("New") %}
  <a class="btn btn-sm btn-outline-secondary" href="…">{% translate "Export" %}</a>
{% endpageheader %}

<th>…</th> → {% sort_th "total" _("Total") "text-end" %}   (the view put `sort` in the context)
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from office.listing import Sorting

register = template.Library()

PAGE_HEADER = "partials/_page_header.html"


def _url(target: Any) -> str:
    """A crumb's link: a URL name without arguments ("procurement:request_list") is reversed,
    a path or full URL is kept, nothing means no link."""
    text = str(target or "")
    if not text or text.startswith(("/", "?", "#", "http://", "https://")):
        return text
    try:
        return reverse(text)
    except NoReverseMatch:
        return text


@register.simple_tag
def crumbs(*labels_and_urls: Any, home: bool = True) -> list[tuple[str, str]]:
    """`{% crumbs label url label url … current_label as trail %}`: the breadcrumbs of a page,
    "Home" first (unless home=False), the current page last (its link, if any, is not shown)."""
    items = list(labels_and_urls)
    if len(items) % 2:
        items.append("")
    trail = [(str(items[i]), _url(items[i + 1])) for i in range(0, len(items), 2)]
    if home:
        trail.insert(0, (_("Home"), reverse("office:home")))
    return trail


class PageHeaderNode(template.Node):
    def __init__(self, nodelist: NodeList, kwargs: dict[str, FilterExpression]) -> None:
        self.nodelist = nodelist
        self.kwargs = kwargs

    def render(self, context: Context) -> str:
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        actions = self.nodelist.render(context).strip()
        partial = context.template.engine.get_template(PAGE_HEADER)
        with context.push(**values, actions=mark_safe(actions)):  # noqa: S308 - rendered template output
            return partial.render(context)


@register.tag("pageheader")
def pageheader(parser: Parser, token: Token) -> PageHeaderNode:
    """`{% pageheader title=… crumbs=… primary_url=… primary_label=… %}secondary actions{% endpageheader %}`
    renders partials/_page_header.html (see it for every argument)."""
    bits = token.split_contents()[1:]
    kwargs = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError("pageheader takes keyword arguments only (title=… crumbs=…)")
    if "title" not in kwargs:
        raise template.TemplateSyntaxError("pageheader needs a title=…")
    nodelist = parser.parse(("endpageheader",))
    parser.delete_first_token()
    return PageHeaderNode(nodelist, kwargs)


def _sort_query(context: Any, sort: Sorting, key: str) -> str:
    params = context["request"].GET.copy()
    params.pop("page", None)  # a new order starts on the first page
    params[sort.param] = sort.value_for(key)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_th(context: Any, key: str, label: str, css: str = "") -> SafeString:
    """A column header that sorts the list by `key` (one of the view's `sort.keys`): a link that
    keeps the other query parameters, ▲/▼ on the current column and aria-sort for screen readers.
    Without a `sort` in the context (or an unknown key) a plain header."""
    sort = context.get("sort")
    if not isinstance(sort, Sorting) or key not in sort.keys:
        return format_html('<th scope="col" class="{}">{}</th>', css, label)
    current = sort.key == key
    if current:
        arrow = "▼" if sort.descending else "▲"
        indicator = format_html('<span class="sort-indicator" aria-hidden="true">{}</span>', arrow)
        aria = format_html(' aria-sort="{}"', "descending" if sort.descending else "ascending")
    else:
        indicator = mark_safe('<i class="sort-indicator unsorted bi bi-chevron-expand" aria-hidden="true"></i>')
        aria = ""
    return format_html(
        '<th scope="col" class="sortable {}"{}><a class="sort-link" href="?{}" data-sort="{}">{}{}</a></th>',
        css,
        aria,
        _sort_query(context, sort, key),
        key,
        label,
        indicator,
    )
