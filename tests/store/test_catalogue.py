"""The selling unit edits its catalogue outside the admin (marketing/store/actions/catalogue.py,
views/catalogue.py): products with files, licence options, tier prices, publishing, coupons.
Each write: allowed for the product's unit, refused for others, refused on bad input with
nothing changed, audited."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from marketing.store import actions, permissions
from marketing.store.actions.catalogue import check_tiers, readiness_problems
from marketing.store.models import Coupon, LicenceOption, Price, Product
from office.exceptions import DomainError
from office.models import AuditEvent, Department
from tests.store.factories import option

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _special() -> Department:
    return Department.objects.get(organization__is_home=True, code="special")


def _new_product(actor, **overrides) -> Product:
    fields = {
        "slug": "guangzhou-patents-2027",
        "department": _special(),
        "kind": "database",
        "name": "Guangzhou Patents 2027",
        "name_zh": "广州专利 2027",
        "summary": "Patents of the city.",
        "summary_zh": "本市专利。",
        "description": "",
        "description_zh": "",
        "subjects": "G",
        "access_text": "Welcome.",
        "access_text_zh": "欢迎。",
    }
    return actions.product_save(actor=actor, **{**fields, **overrides})


def _online_option(actor, product, **overrides) -> LicenceOption:
    fields = {"kind": "online", "name": "Online, 12 months", "name_zh": "在线 12 个月", "term_months": 12,
              "max_downloads": 5, "link_days": 7, "rights": "", "rights_zh": "", "offices_only": False,
              "max_seats": None, "ip_ranges_required": False, "active": True}  # fmt: skip
    return actions.option_save(actor=actor, product_id=product.pk, **{**fields, **overrides})


TIERS = [
    {"buyer_type": "member", "min_quantity": 1, "unit_minor": 100_000},
    {"buyer_type": "member", "min_quantity": 10, "unit_minor": 80_000},
    {"buyer_type": "individual", "min_quantity": 1, "unit_minor": 50_000},
]


# --- who sells -----------------------------------------------------------------------------------


def test_sellers_are_the_digital_resources_unit_its_heads_and_leadership(demo):
    assert permissions.is_seller(demo.head_infodev) and permissions.is_seller(demo.director)
    assert not permissions.is_seller(demo.staff_infodev)  # the topic group does not sell
    assert not permissions.is_seller(demo.staff_east) and not permissions.is_seller(demo.client_a)
    assert [u.code for u in permissions.selling_units(demo.head_infodev)] == ["special"]


def test_a_unit_with_the_function_sells_before_it_has_products(demo):
    Product.objects.all().update(department=Department.objects.get(organization__is_home=True, code="infodev"))
    # the special group owns nothing now, but carries the digital-resources function
    assert "special" in [u.code for u in permissions.selling_units(demo.director)]


# --- products ------------------------------------------------------------------------------------


def test_seller_creates_a_product_unpublished_and_audited(demo):
    product = _new_product(demo.head_infodev)
    assert product.pk and not product.published and product.name_zh == "广州专利 2027"
    assert AuditEvent.objects.filter(verb="store.product.created", target_id=str(product.pk)).count() == 1


def test_product_save_refuses_non_sellers_and_other_units(demo):
    with pytest.raises(PermissionDenied):
        _new_product(demo.staff_infodev)
    with pytest.raises(PermissionDenied):
        _new_product(demo.client_a)
    custsvc = Department.objects.get(organization__is_home=True, code="custsvc")
    with pytest.raises(PermissionDenied):
        _new_product(demo.head_infodev, department=custsvc)
    assert not Product.objects.filter(slug="guangzhou-patents-2027").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Bad Slug"}, "web address"),
        ({"slug": "pearl-river-materials-db"}, "Another product"),
        ({"name": "  "}, "name"),
        ({"kind": "spaceship"}, "kind"),
    ],
)
def test_product_save_refuses_bad_input(demo, overrides, message):
    count = Product.objects.count()
    with pytest.raises(DomainError, match=message):
        _new_product(demo.head_infodev, **overrides)
    assert Product.objects.count() == count


def test_product_files_are_stored_and_removed(demo):
    product = _new_product(
        demo.head_infodev,
        cover=SimpleUploadedFile("cover.png", _png(), content_type="image/png"),
        sample=SimpleUploadedFile("sample.pdf", b"%PDF-1.4 sample", content_type="application/pdf"),
        content=SimpleUploadedFile("full.csv", b"a,b\n1,2\n", content_type="text/csv"),
    )
    assert product.cover.name.startswith("store/covers/") and product.content.read() == b"a,b\n1,2\n"
    fields = {f: getattr(product, f) for f in ("kind", "name", "name_zh", "summary", "summary_zh", "description",
              "description_zh", "subjects", "access_text", "access_text_zh")}  # fmt: skip
    product = actions.product_save(
        actor=demo.head_infodev, product_id=product.pk, slug=product.slug, department=product.department,
        remove_cover=True, **fields,
    )  # fmt: skip
    assert not product.cover and product.sample


def test_publish_needs_a_priced_option_on_sale_and_the_content(demo):
    product = _new_product(demo.head_infodev, access_text="", access_text_zh="")
    with pytest.raises(DomainError, match="licence option with a price"):
        actions.product_publish(actor=demo.head_infodev, product_id=product.pk, published=True)
    opt = _online_option(demo.head_infodev, product)
    actions.option_prices_set(actor=demo.head_infodev, option_id=opt.pk, tiers=TIERS)
    with pytest.raises(DomainError, match="online content"):
        actions.product_publish(actor=demo.head_infodev, product_id=product.pk, published=True)
    product.refresh_from_db()
    assert not product.published
    Product.objects.filter(pk=product.pk).update(access_text="Welcome.")
    product = actions.product_publish(actor=demo.head_infodev, product_id=product.pk, published=True)
    assert product.published and readiness_problems(product) == []
    assert AuditEvent.objects.filter(verb="store.product.published", target_id=str(product.pk)).exists()
    product = actions.product_publish(actor=demo.head_infodev, product_id=product.pk, published=False)
    assert not product.published


def test_publish_refused_to_other_users(demo):
    product = Product.objects.get(slug="pearl-river-materials-db")
    for user in (demo.staff_infodev, demo.client_a, demo.staff_east):
        with pytest.raises(PermissionDenied):
            actions.product_publish(actor=user, product_id=product.pk, published=False)
    product.refresh_from_db()
    assert product.published


def test_a_published_product_cannot_lose_what_it_sells(demo):
    product = Product.objects.get(slug="battery-industry-report-2026")  # a download licence on sale
    download = option("battery-industry-report-2026", "download")
    with pytest.raises(DomainError, match="Unpublish it first"):
        actions.option_prices_set(actor=demo.head_infodev, option_id=download.pk, tiers=[])
    assert download.prices.count() == 4
    with pytest.raises(DomainError, match="Unpublish it first"):
        actions.option_save(actor=demo.head_infodev, product_id=product.pk, option_id=download.pk,
                            kind="download", name=download.name, active=False)  # fmt: skip
    download.refresh_from_db()
    assert download.active


# --- licence options -----------------------------------------------------------------------------


def test_option_settings_follow_the_kind(demo):
    product = _new_product(demo.head_infodev)
    opt = _online_option(demo.head_infodev, product, max_seats=20, ip_ranges_required=True)
    assert opt.term_months == 12 and opt.max_seats == 20 and opt.ip_ranges_required
    disc = _online_option(demo.head_infodev, product, kind="disc", name="Disc", term_months=6, max_seats=3)
    assert disc.term_months is None and disc.max_seats is None and not disc.ip_ranges_required
    rights = _online_option(demo.head_infodev, product, kind="transmission", name="Rights", offices_only=False)
    assert rights.offices_only  # transmission rights are an office's
    assert AuditEvent.objects.filter(verb="store.option.created").count() >= 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"term_months": None}, "term of 1 to 120"),
        ({"term_months": 121}, "term of 1 to 120"),
        ({"kind": "download", "max_downloads": 0}, "between 1 and"),
        ({"kind": "download", "link_days": 40}, "1 to 31 days"),
        ({"max_seats": 0}, "most seats"),
        ({"name": ""}, "name"),
    ],
)
def test_option_save_refuses_settings_that_do_not_fit(demo, overrides, message):
    product = _new_product(demo.head_infodev)
    with pytest.raises(DomainError, match=message):
        _online_option(demo.head_infodev, product, **overrides)
    assert not product.options.exists()


def test_an_ordered_option_keeps_its_kind(demo):
    opt = option()  # the demo's orders bought it
    with pytest.raises(DomainError, match="kind cannot change"):
        actions.option_save(actor=demo.head_infodev, product_id=opt.product_id, option_id=opt.pk,
                            kind="download", name=opt.name)  # fmt: skip


def test_most_seats_is_enforced_at_the_cart(demo):
    opt = option()
    LicenceOption.objects.filter(pk=opt.pk).update(max_seats=3)
    with pytest.raises(DomainError, match="at most 3 seats"):
        actions.cart_add(actor=demo.client_a, option_id=opt.pk, quantity=4)
    actions.cart_add(actor=demo.client_a, option_id=opt.pk, quantity=3)


def test_ip_ranges_required_for_offices(demo):
    opt = option()
    LicenceOption.objects.filter(pk=opt.pk).update(ip_ranges_required=True)
    with pytest.raises(DomainError, match="IP ranges"):
        actions.cart_add(actor=demo.staff_east, option_id=opt.pk, quantity=2)
    actions.cart_add(actor=demo.staff_east, option_id=opt.pk, quantity=2, ip_ranges="198.51.100.0/24")
    actions.cart_add(actor=demo.client_a, option_id=opt.pk, quantity=2)  # clients give none


# --- tier prices ---------------------------------------------------------------------------------


def test_prices_replaced_at_once_and_audited(demo):
    product = _new_product(demo.head_infodev)
    opt = _online_option(demo.head_infodev, product)
    actions.option_prices_set(actor=demo.head_infodev, option_id=opt.pk, tiers=TIERS, currency="cny")
    assert sorted(opt.prices.values_list("buyer_type", "min_quantity", "unit_minor", "currency")) == [
        ("individual", 1, 50_000, "CNY"), ("member", 1, 100_000, "CNY"), ("member", 10, 80_000, "CNY"),
    ]  # fmt: skip
    actions.option_prices_set(actor=demo.head_infodev, option_id=opt.pk, tiers=TIERS[:1])
    assert opt.prices.count() == 1
    assert AuditEvent.objects.filter(verb="store.option.priced", target_id=str(opt.pk)).count() == 2


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ([{"buyer_type": "member", "min_quantity": 1, "unit_minor": -1}], "negative"),
        ([{"buyer_type": "member", "min_quantity": 1, "unit_minor": 10**13}], "not plausible"),
        ([{"buyer_type": "member", "min_quantity": 0, "unit_minor": 100}], "starts at 1 to"),
        ([{"buyer_type": "member", "min_quantity": 1, "unit_minor": 100},
          {"buyer_type": "member", "min_quantity": 1, "unit_minor": 90}], "overlap"),
        ([{"buyer_type": "member", "min_quantity": 5, "unit_minor": 100}], "start from 1"),
        ([{"buyer_type": "member", "min_quantity": 1, "unit_minor": 100},
          {"buyer_type": "member", "min_quantity": 5, "unit_minor": 120}], "volume tiers cost less"),
        ([{"buyer_type": "robot", "min_quantity": 1, "unit_minor": 100}], "buyer type"),
    ],
)  # fmt: skip
def test_bad_tiers_are_refused_and_nothing_changes(demo, tiers, message):
    opt = option()
    before = sorted(opt.prices.values_list("buyer_type", "min_quantity", "unit_minor"))
    with pytest.raises(DomainError, match=message):
        actions.option_prices_set(actor=demo.head_infodev, option_id=opt.pk, tiers=tiers)
    assert sorted(opt.prices.values_list("buyer_type", "min_quantity", "unit_minor")) == before


def test_a_tier_above_the_most_seats_is_refused():
    with pytest.raises(DomainError, match="above the most seats"):
        check_tiers([{"buyer_type": "member", "min_quantity": 1, "unit_minor": 9},
                     {"buyer_type": "member", "min_quantity": 50, "unit_minor": 8}], max_seats=20)  # fmt: skip


def test_tier_errors_are_translated(demo):
    with translation.override("zh-hans"), pytest.raises(DomainError) as error:
        check_tiers([{"buyer_type": "member", "min_quantity": 1, "unit_minor": -5}])
    assert "负" in str(error.value)


def test_prices_refused_to_other_users(demo):
    opt = option()
    with pytest.raises(PermissionDenied):
        actions.option_prices_set(actor=demo.staff_infodev, option_id=opt.pk, tiers=TIERS)
    assert Price.objects.filter(option=opt).count() == 5


def test_new_prices_apply_at_the_next_checkout(demo):
    opt = option()
    actions.cart_add(actor=demo.client_a, option_id=opt.pk, quantity=1)
    tiers = [{"buyer_type": t, "min_quantity": 1, "unit_minor": 111_100} for t in ("member", "organisation")]
    actions.option_prices_set(actor=demo.head_infodev, option_id=opt.pk, tiers=tiers)
    order = actions.checkout(actor=demo.client_a, token="new-price")
    assert order.total_minor == 111_100


# --- coupons -------------------------------------------------------------------------------------


def _coupon_fields(coupon: Coupon, **overrides):
    fields = {"campaign": coupon.campaign, "percent_off": coupon.percent_off, "amount_off_minor": None,
              "valid_from": coupon.valid_from, "valid_until": coupon.valid_until, "max_uses": coupon.max_uses,
              "active": coupon.active}  # fmt: skip
    return {**fields, **overrides}


def test_coupon_update_changes_dates_uses_and_active(demo):
    coupon = Coupon.objects.get(code="SPRING26")
    until = timezone.localdate() + datetime.timedelta(days=10)
    coupon = actions.coupon_update(actor=demo.head_infodev, coupon_id=coupon.pk,
                                   **_coupon_fields(coupon, valid_until=until, max_uses=5, active=False))  # fmt: skip
    assert (coupon.valid_until, coupon.max_uses, coupon.active) == (until, 5, False)
    assert AuditEvent.objects.filter(verb="store.coupon.updated", target_id=str(coupon.pk)).exists()


def test_coupon_update_refusals(demo):
    coupon = Coupon.objects.get(code="SPRING26")
    Coupon.objects.filter(pk=coupon.pk).update(used_count=3)
    coupon.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.coupon_update(actor=demo.client_a, coupon_id=coupon.pk, **_coupon_fields(coupon))
    with pytest.raises(DomainError, match="discount stays"):
        actions.coupon_update(actor=demo.director, coupon_id=coupon.pk, **_coupon_fields(coupon, percent_off=50))
    with pytest.raises(DomainError, match="at least that many"):
        actions.coupon_update(actor=demo.director, coupon_id=coupon.pk, **_coupon_fields(coupon, max_uses=2))
    with pytest.raises(DomainError, match="end after it starts"):
        before = coupon.valid_from - datetime.timedelta(days=1)
        actions.coupon_update(actor=demo.director, coupon_id=coupon.pk, **_coupon_fields(coupon, valid_until=before))
    coupon.refresh_from_db()
    assert (coupon.percent_off, coupon.max_uses) == (10, 200)


# --- pages ---------------------------------------------------------------------------------------


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_seller_creates_prices_and_publishes_through_the_pages(demo):
    seller = _client(demo.head_infodev)
    sales = seller.get(reverse("store:sales")).content.decode()
    assert reverse("store:product_manage_list") in sales and reverse("store:shipment_list") in sales
    response = seller.post(reverse("store:product_create"), {
        "slug": "pearl-river-yearbook", "kind": "report", "department": _special().pk, "name": "Yearbook",
        "name_zh": "年鉴", "summary": "A yearbook.", "summary_zh": "年鉴。",
        "content_upload": SimpleUploadedFile("yearbook.pdf", b"%PDF-1.4 x"),
        "cover_upload": SimpleUploadedFile("c.png", _png()),
    })  # fmt: skip
    product = Product.objects.get(slug="pearl-river-yearbook")
    assert response.status_code == 302 and response["Location"] == reverse("store:product_edit", args=[product.pk])
    response = seller.post(reverse("store:option_create", args=[product.pk]), {
        "kind": "download", "name": "PDF", "name_zh": "PDF", "max_downloads": 3, "link_days": 7, "active": "on",
    })  # fmt: skip
    opt = product.options.get()
    assert response["Location"] == reverse("store:option_prices", args=[opt.pk])
    page = seller.get(reverse("store:option_prices", args=[opt.pk]))
    assert page.status_code == 200 and 'name="tiers-0-unit_minor"' in page.content.decode()
    response = seller.post(reverse("store:option_prices", args=[opt.pk]), {
        "currency": "CNY", "tiers-TOTAL_FORMS": 3, "tiers-INITIAL_FORMS": 0, "tiers-MIN_NUM_FORMS": 0,
        "tiers-MAX_NUM_FORMS": 30,
        "tiers-0-buyer_type": "individual", "tiers-0-min_quantity": 1, "tiers-0-unit_minor": "380.50",
        "tiers-1-buyer_type": "organisation", "tiers-1-min_quantity": 1, "tiers-1-unit_minor": "800",
        "tiers-2-buyer_type": "", "tiers-2-min_quantity": "", "tiers-2-unit_minor": "",  # left blank: ignored
    })  # fmt: skip
    assert response.status_code == 302
    assert sorted(opt.prices.values_list("buyer_type", "unit_minor")) == [
        ("individual", 38_050),
        ("organisation", 80_000),
    ]
    response = seller.post(reverse("store:product_publish", args=[product.pk]), {"published": "on"})
    product.refresh_from_db()
    assert product.published
    assert "Yearbook" in Client().get(reverse("store:product_list")).content.decode()


def test_price_page_shows_a_translated_overlap_error_and_keeps_the_input(demo):
    opt = option()
    data = {"currency": "CNY", "tiers-TOTAL_FORMS": 2, "tiers-INITIAL_FORMS": 0, "tiers-MIN_NUM_FORMS": 0,
            "tiers-MAX_NUM_FORMS": 30,
            "tiers-0-buyer_type": "member", "tiers-0-min_quantity": 1, "tiers-0-unit_minor": "100",
            "tiers-1-buyer_type": "member", "tiers-1-min_quantity": 1, "tiers-1-unit_minor": "90"}  # fmt: skip
    with translation.override("zh-hans"):
        url = reverse("store:option_prices", args=[opt.pk])
    html = _client(demo.head_infodev, "zh-hans").post(url, data).content.decode()
    assert "重叠" in html and 'value="90"' in html
    negative = {**data, "tiers-TOTAL_FORMS": 1, "tiers-0-unit_minor": "-5"}
    with translation.override("en"):
        url = reverse("store:option_prices", args=[opt.pk])
    html = _client(demo.head_infodev).post(url, negative).content.decode()
    assert "zero or more" in html or "negative" in html
    assert opt.prices.count() == 5


def test_product_form_refuses_a_cover_that_is_not_an_image(demo):
    product = Product.objects.get(slug="pearl-river-materials-db")
    html = _client(demo.head_infodev).post(reverse("store:product_edit", args=[product.pk]), {
        "slug": product.slug, "kind": product.kind, "department": product.department_id, "name": product.name,
        "cover_upload": SimpleUploadedFile("cover.png", b"<svg onload=alert(1)>"),
    }).content.decode()  # fmt: skip
    assert "PNG, JPEG or WebP" in html
    product.refresh_from_db()
    assert not product.cover


def test_unpublished_product_is_a_preview_for_its_sellers_only(demo):
    product = _new_product(demo.head_infodev)
    url = reverse("store:product_detail", args=[product.slug])
    assert Client().get(url).status_code == 404
    assert _client(demo.client_a).get(url).status_code == 404
    assert _client(demo.staff_infodev).get(url).status_code == 404
    html = _client(demo.head_infodev).get(url).content.decode()
    assert 'id="product-preview-note"' in html


def test_catalogue_pages_refuse_non_sellers(demo):
    product = Product.objects.get(slug="pearl-river-materials-db")
    urls = [reverse("store:product_manage_list"), reverse("store:product_create"),
            reverse("store:product_edit", args=[product.pk]), reverse("store:option_edit", args=[option().pk]),
            reverse("store:option_prices", args=[option().pk]), reverse("store:shipment_list")]  # fmt: skip
    for user in (demo.staff_infodev, demo.client_a, demo.staff_east):
        client = _client(user)
        assert {client.get(url).status_code for url in urls} == {403}


def test_catalogue_pages_in_chinese(demo):
    product = Product.objects.get(slug="pearl-river-materials-db")
    client = _client(demo.head_infodev, "zh-hans")
    with translation.override("zh-hans"):
        urls = [reverse("store:product_manage_list"), reverse("store:product_edit", args=[product.pk]),
                reverse("store:option_edit", args=[option().pk]), reverse("store:option_prices", args=[option().pk]),
                reverse("store:shipment_list"), reverse("store:product_create")]  # fmt: skip
    for url in urls:
        html = client.get(url).content.decode()
        for english in ("Licence options", "Buyer type", "Save the", "Discs", "New product", "Selling unit"):
            assert english not in html, (url, english)
