"""Policy and job-duty documents: the list and search, versions, and a diff of two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from office.models import Document, DocumentVersion, localized


def document_list(*, user: Any, kind: str = "", search: str = "") -> QuerySet[Document]:
    qs = Document.objects.visible_to(user).select_related("department", "position")
    if kind:
        qs = qs.filter(kind=kind)
    if search := search.strip():
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(title_zh__icontains=search)
            | Q(slug__icontains=search)
            | Q(
                versions__number=F("current_version"),
                versions__body__icontains=search,
            )
            | Q(
                versions__number=F("current_version"),
                versions__body_zh__icontains=search,
            )
        ).distinct()
    return qs


def document_versions(*, document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("author").order_by("-number"))


def document_version_text(version: DocumentVersion) -> str:
    """The Chinese text in the Chinese UI when the version has one, else the English text."""
    return localized(version, "body")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk", "add", "del", "context"
    text: str


def document_diff(*, old: str, new: str, old_label: str, new_label: str) -> list[DiffLine]:
    """A unified diff as typed lines; the template escapes the text (nothing is marked safe)."""
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="", n=3
    ):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            kind = "hunk"
        elif raw.startswith("+"):
            kind = "add"
        elif raw.startswith("-"):
            kind = "del"
        else:
            kind = "context"
        lines.append(DiffLine(kind=kind, text=raw))
    return lines
