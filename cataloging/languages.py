"""Names of the MARC language codes (008/35-37, 041) a reader sees: in the page's language,
never the raw code. The common languages of a Chinese union catalog are named here; any
other code is shown as it is (the MARC code list has some 480)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAMES = {
    "chi": _("Chinese"),
    "eng": _("English"),
    "jpn": _("Japanese"),
    "kor": _("Korean"),
    "fre": _("French"),
    "ger": _("German"),
    "rus": _("Russian"),
    "spa": _("Spanish"),
    "ita": _("Italian"),
    "por": _("Portuguese"),
    "ara": _("Arabic"),
    "lat": _("Latin"),
    "mul": _("Multiple languages"),
    "und": _("Undetermined"),
    "tib": _("Tibetan"),
    "mon": _("Mongolian"),
    "uig": _("Uighur"),
    "vie": _("Vietnamese"),
    "tha": _("Thai"),
    "hin": _("Hindi"),
    "dut": _("Dutch"),
}


def language_name(code: str) -> str:
    code = (code or "").strip().lower()
    return str(NAMES[code]) if code in NAMES else code
