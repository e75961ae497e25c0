"""The selling unit's catalogue, edited on the sales pages (not only in the admin):

    product_save      create or edit a product (bilingual texts, kind, unit, cover, sample,
                      the file delivered on download, the online content)
    product_publish   publish (only when it can be sold: see `readiness_problems`) / unpublish
    option_save       create or edit a licence option (kind, term, downloads, seats, IP ranges)
    option_prices_set replace an option's tier prices (per buyer type and volume) at once

Every write locks the product row first (one order: product, then option), checks
`permissions.can_edit_product`, and is audited. A published product stays sellable: an edit
that would leave it without a priced option on sale, a download without its file or an online
licence without content is refused with the reason, and nothing changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from marketing.store import permissions
from marketing.store.models import (
    MAX_PRICE_MINOR,
    MAX_QUANTITY,
    BuyerType,
    LicenceOption,
    Price,
    Product,
    StoreOrderLine,
)
from office import audit
from office.exceptions import DomainError
from office.money import clean_currency
from office.uploads import save_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_TIERS = 30
MAX_DOWNLOADS = 1000
MAX_LINK_DAYS = 31  # the download view refuses tokens older than 31 days whatever the option says
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PRODUCT_TEXT_FIELDS = (
    "kind", "name", "name_zh", "summary", "summary_zh", "description", "description_zh", "subjects",
    "access_text", "access_text_zh",
)  # fmt: skip
OPTION_FIELDS = (
    "kind", "name", "name_zh", "term_months", "max_downloads", "link_days", "rights", "rights_zh",
    "offices_only", "max_seats", "ip_ranges_required", "active",
)  # fmt: skip


def _lock_product(product_id: int) -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise DomainError(_("This product does not exist."))
    return product


def _require_editor(actor: User, product: Product) -> None:
    if not permissions.can_edit_product(actor, product):
        raise PermissionDenied(_("Only the unit that sells this product edits it."))


def readiness_problems(product: Product) -> list[str]:
    """Why the product cannot be on sale (empty: it can): a priced option on sale, the file of
    a download licence, the content of an online or transmission licence."""
    problems = []
    options = [o for o in product.options.all() if o.active]
    priced = [o for o in options if o.prices.all()]  # prefetched where the page loads them
    if not priced:
        problems.append(_("Put at least one licence option with a price on sale."))
    kinds = {o.kind for o in priced}
    if LicenceOption.Kind.DOWNLOAD in kinds and not product.content:
        problems.append(_("A download licence is on sale: upload the file delivered on download."))
    if kinds & {LicenceOption.Kind.ONLINE, LicenceOption.Kind.TRANSMISSION} and not (
        product.access_text.strip() or product.access_text_zh.strip()
    ):
        problems.append(_("An online licence is on sale: write the online content."))
    if not product.name.strip():
        problems.append(_("Give the product a name."))
    return problems


def _keep_sellable(product: Product) -> None:
    if product.published:
        problems = readiness_problems(product)
        if problems:
            raise DomainError(
                _("The product is on sale, so this change is refused: %(problems)s Unpublish it first.")
                % {"problems": " ".join(problems)}
            )


def _check_product_fields(fields: dict[str, Any]) -> None:
    if fields.get("kind") not in Product.Kind.values:
        raise DomainError(_("Choose the kind of product."))
    if not (fields.get("name") or "").strip():
        raise DomainError(_("Give the product a name."))


@transaction.atomic
def product_save(
    *,
    actor: User,
    product_id: int | None = None,
    slug: str,
    department: Any,
    cover: Any = None,
    sample: Any = None,
    content: Any = None,
    remove_cover: bool = False,
    remove_sample: bool = False,
    **fields: Any,
) -> Product:
    """Create (product_id None, unpublished) or edit a product. Refuses a user who does not sell
    for the chosen unit (or for the product's unit), a slug that is taken or malformed, and an
    edit that leaves a published product unsellable. New files are stored whole or not at all."""
    unknown = set(fields) - set(PRODUCT_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"product_save: unknown fields {sorted(unknown)}")
    units = {unit.pk for unit in permissions.selling_units(actor)}
    department_id = getattr(department, "pk", department)
    if department_id not in units:
        raise PermissionDenied(_("You do not sell for this unit."))
    product = _lock_product(product_id) if product_id else Product()
    if product_id:
        _require_editor(actor, product)
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise DomainError(_("Use lower-case letters, digits and single dashes for the web address."))
    if Product.objects.filter(slug=slug).exclude(pk=product.pk).exists():
        raise DomainError(_("Another product has this web address."))
    _check_product_fields(fields)
    for name, value in fields.items():
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    product.slug, product.department_id = slug, department_id
    if remove_cover:
        product.cover = ""
    if remove_sample:
        product.sample = ""
    for field, upload in (("cover", cover), ("sample", sample), ("content", content)):
        if upload:
            save_upload(getattr(product, field), upload.name, upload)
    product.full_clean(exclude=["cover", "sample", "content", "department"])
    created = product.pk is None
    if not created:
        _keep_sellable(product)
    product.save()
    audit.record(
        actor=actor,
        target=product,
        verb="store.product.created" if created else "store.product.updated",
        data={
            "slug": product.slug,
            "files": [f for f, upload in (("cover", cover), ("sample", sample), ("content", content)) if upload],
            "removed": [f for f, flag in (("cover", remove_cover), ("sample", remove_sample)) if flag],
        },
    )
    return product


@transaction.atomic
def product_publish(*, actor: User, product_id: int, published: bool) -> Product:
    """Put a product on sale or take it off. Publishing refuses a product that cannot be sold
    (`readiness_problems`, all reasons at once); unpublishing keeps orders and licences as they are."""
    product = _lock_product(product_id)
    _require_editor(actor, product)
    if product.published == published:
        return product
    if published:
        problems = readiness_problems(product)
        if problems:
            raise DomainError(_("Not published: %(problems)s") % {"problems": " ".join(problems)})
    product.published = published
    product.save(update_fields=["published", "updated_at"])
    audit.record(
        actor=actor,
        target=product,
        verb="store.product.published" if published else "store.product.unpublished",
        data={"slug": product.slug},
    )
    return product


def _clean_option(option: LicenceOption) -> None:
    """The option's settings that make sense for its kind; refuses the rest (nothing saved)."""
    kind = option.kind
    if kind not in LicenceOption.Kind.values:
        raise DomainError(_("Choose the kind of licence."))
    if not option.name.strip():
        raise DomainError(_("Give the licence option a name."))
    if kind in (LicenceOption.Kind.ONLINE, LicenceOption.Kind.TRANSMISSION):
        if option.term_months is None or not 1 <= option.term_months <= 120:
            raise DomainError(_("A time-limited licence needs a term of 1 to 120 months."))
    else:
        option.term_months = None  # downloads and discs are perpetual
    if kind == LicenceOption.Kind.DOWNLOAD:
        if not 1 <= option.max_downloads <= MAX_DOWNLOADS:
            raise DomainError(_("Allow between 1 and %(max)s downloads.") % {"max": MAX_DOWNLOADS})
        if not 1 <= option.link_days <= MAX_LINK_DAYS:
            raise DomainError(_("A download link can stay valid for 1 to %(max)s days.") % {"max": MAX_LINK_DAYS})
    if option.per_seat:
        if option.max_seats is not None and not 1 <= option.max_seats <= MAX_QUANTITY:
            raise DomainError(_("The most seats must lie between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    else:
        option.max_seats, option.ip_ranges_required = None, False
    if kind == LicenceOption.Kind.TRANSMISSION:
        option.offices_only = True  # transmission rights are an office's, for its own users


@transaction.atomic
def option_save(*, actor: User, product_id: int, option_id: int | None = None, **fields: Any) -> LicenceOption:
    """Create or edit a licence option of a product. Refuses changing the kind of an option
    already ordered (its licences were issued under that kind), settings that do not fit the
    kind, a most-seats limit below one of its tiers, and leaving a published product unsellable."""
    unknown = set(fields) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"option_save: unknown fields {sorted(unknown)}")
    product = _lock_product(product_id)
    _require_editor(actor, product)
    if option_id:
        option = LicenceOption.objects.select_for_update().filter(pk=option_id, product=product).first()
        if option is None:
            raise DomainError(_("This licence option does not exist."))
    else:
        option = LicenceOption(product=product)
    old_kind = option.kind if option.pk else None
    for name, value in fields.items():
        setattr(option, name, value.strip() if isinstance(value, str) else value)
    option.max_downloads = option.max_downloads if option.max_downloads is not None else 5
    option.link_days = option.link_days if option.link_days is not None else 7
    if old_kind and old_kind != option.kind and StoreOrderLine.objects.filter(option=option).exists():
        raise DomainError(_("This option has been ordered, so its kind cannot change; add a new option instead."))
    _clean_option(option)
    if option.max_seats is not None and option.pk:
        above = option.prices.filter(min_quantity__gt=option.max_seats).order_by("min_quantity").first()
        if above is not None:
            raise DomainError(
                _("A price tier starts at %(n)s seats, above the most seats; change the prices first.")
                % {"n": above.min_quantity}
            )
    option.full_clean(exclude=["product"])
    created = option.pk is None
    option.save()
    _keep_sellable(product)
    audit.record(
        actor=actor,
        target=option,
        verb="store.option.created" if created else "store.option.updated",
        data={"product": product.slug, "kind": option.kind, "active": option.active},
    )
    return option


def check_tiers(tiers: list[dict[str, Any]], *, max_seats: int | None = None) -> list[dict[str, Any]]:
    """The tiers, validated and sorted: each a buyer type, a from-quantity and a unit price in
    minor units. Refuses negative or absurd prices, quantities out of range, two tiers for the
    same buyer type and quantity (they would overlap), a buyer type without a tier from 1, a
    volume tier dearer than a smaller one, and more than MAX_TIERS rows."""
    if len(tiers) > MAX_TIERS:
        raise DomainError(_("Give at most %(max)s price tiers.") % {"max": MAX_TIERS})
    labels = dict(BuyerType.choices)
    by_type: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for tier in tiers:
        buyer, quantity, unit = tier["buyer_type"], tier["min_quantity"], tier["unit_minor"]
        if buyer not in labels:
            raise DomainError(_("Choose the buyer type of every price."))
        if unit is None or unit < 0:
            raise DomainError(_("A price cannot be negative."))
        if unit > MAX_PRICE_MINOR:
            raise DomainError(_("A price of more than 10 billion is not plausible; check the amount."))
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            raise DomainError(_("A tier starts at 1 to %(max)s seats or copies.") % {"max": MAX_QUANTITY})
        if max_seats is not None and quantity > max_seats:
            raise DomainError(
                _("A tier from %(n)s is above the most seats of this licence (%(max)s).")
                % {"n": quantity, "max": max_seats}
            )
        if any(q == quantity for q, _unit in by_type[buyer]):
            raise DomainError(
                _("Two prices for %(buyer)s from %(n)s: the tiers overlap.") % {"buyer": labels[buyer], "n": quantity}
            )
        by_type[buyer].append((quantity, unit))
    result = []
    for buyer, rows in by_type.items():
        rows.sort()
        if rows[0][0] != 1:
            raise DomainError(
                _("The prices for %(buyer)s must start from 1; below %(n)s there would be no price.")
                % {"buyer": labels[buyer], "n": rows[0][0]}
            )
        for (q1, u1), (q2, u2) in zip(rows, rows[1:], strict=False):
            if u2 > u1:
                raise DomainError(
                    _("For %(buyer)s the price from %(n2)s is higher than from %(n1)s; volume tiers cost less.")
                    % {"buyer": labels[buyer], "n1": q1, "n2": q2}
                )
        result += [{"buyer_type": buyer, "min_quantity": q, "unit_minor": u} for q, u in rows]
    return result


@transaction.atomic
def option_prices_set(
    *, actor: User, option_id: int, tiers: list[dict[str, Any]], currency: str = "CNY"
) -> LicenceOption:
    """Replace all tier prices of an option (tax included, minor units of `currency`). Carts
    are priced again at checkout, so a change applies to the next checkout; placed orders keep
    their prices. Refuses bad tiers (`check_tiers`) and leaving a published product unsellable."""
    option = LicenceOption.objects.filter(pk=option_id).select_related("product").first()
    if option is None:
        raise DomainError(_("This licence option does not exist."))
    product = _lock_product(option.product_id)
    _require_editor(actor, product)
    option = LicenceOption.objects.select_for_update().get(pk=option_id)
    currency = clean_currency(currency)
    rows = check_tiers(tiers, max_seats=option.max_seats)
    option.prices.all().delete()
    Price.objects.bulk_create([Price(option=option, currency=currency, **row) for row in rows])
    _keep_sellable(product)
    audit.record(
        actor=actor,
        target=option,
        verb="store.option.priced",
        data={"currency": currency, "tiers": [[r["buyer_type"], r["min_quantity"], r["unit_minor"]] for r in rows]},
    )
    return option
