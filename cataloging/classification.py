"""The two classification schemes the catalog browses by: the Chinese Library Classification
(中国图书馆分类法, 中图法, 5th edition) main classes and the Dewey Decimal Classification hundreds.

A CLC number is letters (one, or two under T 工业技术), then digits grouped in threes by dots
("G250.76", "TP311.13"); browsing compares numbers without their dots, so "G2507" is the
class G250.7. Dewey numbers are three digits, then a decimal part ("025.04").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MainClass:
    code: str
    name_zh: str  # the scheme's own (Chinese) name, shown in every language
    name: str | Promise  # a translated gloss


# The 22 basic classes (基本大类) of the CLC: the letters L, M, W and Y are not used.
CLC_CLASSES: tuple[MainClass, ...] = (
    MainClass(
        "A",
        "马克思主义、列宁主义、毛泽东思想、邓小平理论",
        _("Marxism, Leninism, Mao Zedong Thought, Deng Xiaoping Theory"),
    ),
    MainClass("B", "哲学、宗教", _("Philosophy and religion")),
    MainClass("C", "社会科学总论", _("Social sciences (general)")),
    MainClass("D", "政治、法律", _("Politics and law")),
    MainClass("E", "军事", _("Military science")),
    MainClass("F", "经济", _("Economics")),
    MainClass("G", "文化、科学、教育、体育", _("Culture, science, education and sports")),
    MainClass("H", "语言、文字", _("Languages and writing")),
    MainClass("I", "文学", _("Literature")),
    MainClass("J", "艺术", _("Art")),
    MainClass("K", "历史、地理", _("History and geography")),
    MainClass("N", "自然科学总论", _("Natural sciences (general)")),
    MainClass("O", "数理科学和化学", _("Mathematics, physics and chemistry")),
    MainClass("P", "天文学、地球科学", _("Astronomy and earth sciences")),
    MainClass("Q", "生物科学", _("Biology")),
    MainClass("R", "医药、卫生", _("Medicine and health")),
    MainClass("S", "农业科学", _("Agricultural sciences")),
    MainClass("T", "工业技术", _("Industrial technology")),
    MainClass("U", "交通运输", _("Transportation")),
    MainClass("V", "航空、航天", _("Aviation and astronautics")),
    MainClass("X", "环境科学、安全科学", _("Environmental and safety sciences")),
    MainClass("Z", "综合性图书", _("General works")),
)

# The ten Dewey main classes, keyed by their hundreds digit.
DEWEY_CLASSES: tuple[MainClass, ...] = (
    MainClass("0", "计算机科学、信息与总类", _("Computer science, information and general works")),
    MainClass("1", "哲学与心理学", _("Philosophy and psychology")),
    MainClass("2", "宗教", _("Religion")),
    MainClass("3", "社会科学", _("Social sciences")),
    MainClass("4", "语言", _("Language")),
    MainClass("5", "自然科学", _("Science")),
    MainClass("6", "技术", _("Technology")),
    MainClass("7", "艺术与休闲", _("Arts and recreation")),
    MainClass("8", "文学", _("Literature")),
    MainClass("9", "历史与地理", _("History and geography")),
)

CLC_BY_CODE = {c.code: c for c in CLC_CLASSES}
DEWEY_BY_CODE = {c.code: c for c in DEWEY_CLASSES}

_CLC_KEY = re.compile(r"^[A-Z][A-Z0-9-]*")
_DEWEY_KEY = re.compile(r"^(\d{1,3})(\.\d*)?$")


def clc_key(value: str) -> str:
    """A browse key from a class number: upper case, without dots or spaces, up to the first
    character that is not part of a class ("g250.7" → "G2507", "G254.3/M12" → "G2543", "D920.4-43"
    → "D9204-43"); "" if it does not start with a letter."""
    match = _CLC_KEY.match(re.sub(r"[\s.]", "", (value or "").upper()))
    return match.group(0)[:20] if match else ""


def dewey_key(value: str) -> str:
    """The class digits (one to three: hundreds, tens, units) of a Dewey number, else ""
    ("3" → "3", "025.04" → "025", "0255" → "")."""
    match = _DEWEY_KEY.match((value or "").strip())
    return match.group(1) if match else ""


def clc_display(key: str) -> str:
    """A browse key written as a CLC number: the dot after each group of three digits
    ("G2507" → "G250.7", "TP31113" → "TP311.13")."""
    match = re.match(r"^([A-Z]+)(\d*)(.*)$", key)
    if not match:
        return key
    letters, digits, rest = match.groups()
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return letters + ".".join(groups) + rest


def dewey_display(key: str) -> str:
    """A Dewey browse key as the span it covers: "3" → "300", "02" → "020", "025" → "025"."""
    return key.ljust(3, "0")


def clc_main(key: str) -> MainClass | None:
    return CLC_BY_CODE.get(key[:1])


def dewey_main(key: str) -> MainClass | None:
    return DEWEY_BY_CODE.get(key[:1])
