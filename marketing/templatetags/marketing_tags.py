import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jsonld(data: Any) -> SafeString:
    """A schema.org JSON-LD block; <, > and & are escaped as json_script does, so no text of the
    data can close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


@register.simple_tag
def marketing_menu(user: Any) -> dict[str, bool]:
    """What of the site's editing the user may reach (the intranet menu and the tabs)."""
    from marketing import permissions

    edit = permissions.can_edit_site(user)
    curate = permissions.can_curate_subjects(user)
    dashboard = permissions.can_see_dashboard(user)
    return {"edit": edit, "curate": curate, "dashboard": dashboard, "any": edit or curate or dashboard}
