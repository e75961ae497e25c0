"""The selling unit's catalogue: products, licence options, tier prices, publishing. A product
or option of another unit is refused (403), one that does not exist is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.store import actions, forms, permissions
from marketing.store.actions.catalogue import readiness_problems
from marketing.store.models import LicenceOption, Price, Product
from marketing.store.views.common import paginate, seller_required
from office.fields import currency_from
from office.views_support import run_action


def _product_for_editor(request: HttpRequest, pk: int) -> Product:
    seller_required(request)
    product = get_object_or_404(Product.objects.select_related("department"), pk=pk)
    if not permissions.can_edit_product(request.user, product):
        raise PermissionDenied
    return product


def _option_for_editor(request: HttpRequest, pk: int) -> LicenceOption:
    seller_required(request)
    option = get_object_or_404(LicenceOption.objects.select_related("product", "product__department"), pk=pk)
    if not permissions.can_edit_product(request.user, option.product):
        raise PermissionDenied
    return option


# --- products --------------------------------------------------------------------------------


@login_required
@require_GET
def product_manage_list(request: HttpRequest) -> HttpResponse:
    seller_required(request)
    units = permissions.selling_units(request.user)
    products = (
        Product.objects.filter(department__in=units)
        .select_related("department")
        .annotate(option_count=Count("options", distinct=True))
        .order_by("-published", "name")
    )
    return render(request, "store/product_manage_list.html", {"page": paginate(request, products)})


def _product_form_page(request: HttpRequest, form: forms.ProductForm, product: Product | None) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "product": product}
    if product is not None:
        product = Product.objects.prefetch_related(
            Prefetch("options", queryset=LicenceOption.objects.prefetch_related("prices").order_by("pk"))
        ).get(pk=product.pk)
        context.update(
            product=product,
            options=product.options.all(),
            problems=readiness_problems(product),
        )
    return context


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    seller_required(request)
    units = permissions.selling_units(request.user)
    form = forms.ProductForm(
        request.POST or None, request.FILES or None, units=units, initial={"department": units[0].pk if units else None}
    )
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.product_save(actor=request.user, **form.action_data()),
            success=_("Product created. Add its licence options and prices, then publish it."),
            redirect_to=lambda product: ("store:product_edit", product.pk),
            template="store/product_form.html",
            template_context=lambda: _product_form_page(request, form, None),
        )
    return render(request, "store/product_form.html", _product_form_page(request, form, None))


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product_for_editor(request, pk)
    form = forms.ProductForm(
        request.POST or None, request.FILES or None, instance=product, units=permissions.selling_units(request.user)
    )
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.product_save(actor=request.user, product_id=product.pk, **form.action_data()),
            success=_("Product saved."),
            redirect_to=("store:product_edit", product.pk),
            template="store/product_form.html",
            template_context=lambda: _product_form_page(request, form, Product.objects.get(pk=product.pk)),
        )
    return render(request, "store/product_form.html", _product_form_page(request, form, product))


@login_required
@require_POST
def product_publish(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product_for_editor(request, pk)
    form = forms.PublishForm(request.POST)

    def message(result: Product) -> str:
        return _("The product is on sale.") if result.published else _("The product is no longer on sale.")

    return run_action(
        request,
        form,
        lambda data: actions.product_publish(actor=request.user, product_id=product.pk, published=data["published"]),
        success=message,
        redirect_to=("store:product_edit", product.pk),
    )


# --- licence options and prices ----------------------------------------------------------------


def _option_page(form: forms.LicenceOptionForm, product: Product, option: LicenceOption | None) -> dict[str, Any]:
    return {"form": form, "product": product, "option": option}


@login_required
def option_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product_for_editor(request, pk)
    form = forms.LicenceOptionForm(request.POST or None, initial={"max_downloads": 5, "link_days": 7})
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.option_save(actor=request.user, product_id=product.pk, **data),
            success=_("Licence option added. Now give its prices."),
            redirect_to=lambda option: ("store:option_prices", option.pk),
            template="store/option_form.html",
            template_context=lambda: _option_page(form, product, None),
        )
    return render(request, "store/option_form.html", _option_page(form, product, None))


@login_required
def option_edit(request: HttpRequest, pk: int) -> HttpResponse:
    option = _option_for_editor(request, pk)
    form = forms.LicenceOptionForm(request.POST or None, instance=option)
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda data: actions.option_save(
                actor=request.user, product_id=option.product_id, option_id=option.pk, **data
            ),
            success=_("Licence option saved."),
            redirect_to=("store:product_edit", option.product_id),
            template="store/option_form.html",
            template_context=lambda: _option_page(form, option.product, LicenceOption.objects.get(pk=option.pk)),
        )
    return render(request, "store/option_form.html", _option_page(form, option.product, option))


@login_required
def option_prices(request: HttpRequest, pk: int) -> HttpResponse:
    """The option's tier prices as one form: every row a buyer type, a from-quantity and a unit
    price; blank rows are ignored, ticked rows removed; all saved at once or nothing."""
    option = _option_for_editor(request, pk)
    current = list(Price.objects.filter(option=option).order_by("buyer_type", "min_quantity"))
    currency = current[0].currency if current else "CNY"
    if request.method != "POST":
        currency_form = forms.PriceCurrencyForm(initial={"currency": currency})
        formset = forms.PriceTierFormSet(
            prefix="tiers",
            initial=[
                {"buyer_type": p.buyer_type, "min_quantity": p.min_quantity, "unit_minor": p.unit_minor}
                for p in current
            ],
        )
        _set_currency(formset, currency)
        return render(request, "store/option_prices.html", _prices_page(option, currency_form, formset))
    currency_form = forms.PriceCurrencyForm(request.POST)
    formset = forms.PriceTierFormSet(request.POST, prefix="tiers")
    _set_currency(formset, currency_from(currency_form))
    page = _prices_page(option, currency_form, formset)
    if not formset.is_valid():
        return render(request, "store/option_prices.html", page)
    tiers = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    tiers = [{k: t[k] for k in ("buyer_type", "min_quantity", "unit_minor")} for t in tiers]
    return run_action(
        request,
        currency_form,
        lambda data: actions.option_prices_set(
            actor=request.user, option_id=option.pk, tiers=tiers, currency=data["currency"]
        ),
        success=_("Prices saved."),
        redirect_to=("store:product_edit", option.product_id),
        template="store/option_prices.html",
        template_context=lambda: page,
    )


def _set_currency(formset: Any, currency: str) -> None:
    for form in formset.forms:
        form.fields["unit_minor"].currency = currency


def _prices_page(option: LicenceOption, currency_form: Any, formset: Any) -> dict[str, Any]:
    return {"option": option, "product": option.product, "form": currency_form, "formset": formset}
