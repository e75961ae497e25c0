"""Policy and job-duty documents: list, versions, compare, create and edit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from office import actions, forms, permissions, selectors
from office.access import StaffRequiredMixin, staff_required
from office.models import Document
from office.views.common import PAGE_SIZE, my_office
from office.views_support import run_action


class DocumentListView(StaffRequiredMixin, ListView):
    template_name = "office/document_list.html"
    context_object_name = "documents"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Document]:
        self.form = forms.DocumentFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.document_list(
            user=self.request.user, kind=filters.get("kind", ""), search=filters.get("q", "")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form,
            can_manage=permissions.can_manage_documents(self.request.user, my_office(self.request)),
            **kwargs,
        )


def _document_page(request: HttpRequest, document: Document, number: int, template: str) -> HttpResponse:
    versions = selectors.document_versions(document=document)
    version = next((v for v in versions if v.number == number), None)
    if version is None and number != document.current_version:
        raise Http404
    return render(
        request,
        template,
        {
            "document": document,
            "version": version,
            "versions": versions,
            "text": selectors.document_version_text(version) if version else "",
            "can_manage": permissions.can_manage_documents(request.user, document.organization),
        },
    )


@staff_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    return _document_page(request, document, document.current_version, "office/document_detail.html")


@staff_required
@require_GET
def document_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    return _document_page(request, document, number, "office/document_version.html")


@staff_required
@require_GET
def document_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side as a unified diff of the English and of the Chinese text."""
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    versions = selectors.document_versions(document=document)
    by_number = {v.number: v for v in versions}
    initial = {"a": max(document.current_version - 1, 1), "b": document.current_version}
    form = forms.DocumentCompareForm(request.GET or initial)
    diffs: list[dict[str, Any]] = []
    old = new = None
    if form.is_valid():
        old, new = by_number.get(form.cleaned_data["a"]), by_number.get(form.cleaned_data["b"])
        if old is None or new is None:
            raise Http404
        for label, field in ((_("English text"), "body"), (_("Chinese text"), "body_zh")):
            old_text, new_text = getattr(old, field), getattr(new, field)
            if old_text or new_text:
                diffs.append(
                    {
                        "label": label,
                        "lines": selectors.document_diff(
                            old=old_text, new=new_text, old_label=f"v{old.number}", new_label=f"v{new.number}"
                        ),
                    }
                )
    return render(
        request,
        "office/document_compare.html",
        {"document": document, "versions": versions, "form": form, "old": old, "new": new, "diffs": diffs},
    )


def _save_document(
    request: HttpRequest, form: forms.DocumentForm, context: dict[str, Any], success: Any
) -> HttpResponse:
    """Save the metadata and add a new version (earlier versions stay as they were)."""
    if request.method != "POST":
        return render(request, "office/document_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.document_save_version(
            document=form.instance,
            body=data["body"],
            body_zh=data["body_zh"],
            change_note=data["change_note"],
            actor=request.user,
        ),
        success=success,
        redirect_to=lambda version: ("office:document_detail", version.document_id),
        template="office/document_form.html",
        template_context=context,
    )


@staff_required
def document_create(request: HttpRequest) -> HttpResponse:
    office = my_office(request)
    if not permissions.can_manage_documents(request.user, office):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, organization=office, instance=Document(organization=office))
    return _save_document(request, form, {"form": form, "document": None}, _("The document was created."))


@staff_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the metadata and add a new version; earlier versions stay as they were."""
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    if not permissions.can_manage_documents(request.user, document.organization):
        raise PermissionDenied
    current = document.versions.filter(number=document.current_version).first()
    initial = {"body": current.body, "body_zh": current.body_zh} if current else {}
    form = forms.DocumentForm(
        request.POST or None, organization=document.organization, instance=document, initial=initial
    )
    return _save_document(
        request,
        form,
        {"form": form, "document": document},
        lambda version: _("Version %(n)d was saved.") % {"n": version.number},
    )
