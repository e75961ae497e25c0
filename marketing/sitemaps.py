"""`/sitemap.xml` (Django's sitemaps framework: every public page in both languages, with
hreflang alternates and an x-default) and `/robots.txt` (names the sitemap, keeps crawlers out
of the intranet, the admin and the client areas). Absolute addresses use settings.SITE_URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from marketing import selectors
from marketing.models import NewsItem
from marketing.seo import in_language


class _SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(_SiteSitemap):
    changefreq = "weekly"
    NAMES = ("home", "showcase_list", "subject_browse", "az_index", "news_list", "partner_list", "inquiry_form")

    def items(self) -> list[str]:
        return list(self.NAMES)

    def location(self, item: str) -> str:
        return reverse(f"marketing:{item}")


class ShowcaseSitemap(_SiteSitemap):
    """Every item of every registered source (pages, resources, services, products...)."""

    changefreq = "weekly"

    def items(self) -> list[Any]:
        return selectors.all_items(settings.LANGUAGE_CODE)

    def location(self, item: Any) -> str:
        from django.utils.translation import get_language

        return in_language(item.url, get_language(), source=settings.LANGUAGE_CODE)

    def lastmod(self, item: Any) -> Any:
        return item.updated


class NewsSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self) -> list[NewsItem]:
        return list(NewsItem.objects.current())

    def location(self, item: NewsItem) -> str:
        return reverse("marketing:news_detail", args=[item.slug])

    def lastmod(self, item: NewsItem) -> Any:
        return item.updated_at


SITEMAPS = {"site": StaticSitemap, "showcase": ShowcaseSitemap, "news": NewsSitemap}


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, template_name="marketing/sitemap.xml")


# Client areas and staff pages: nothing there is for search engines (and most of it needs a log-in).
DISALLOWED = (
    "/intranet/",
    "/admin/",
    "/accounts/",
    "/payments/",
    "/procurement/",
    "/sharing/",
    "/support/",
    "/services/orders/",
    "/services/profile/",
    "/services/subscriptions/",
    "/services/register/",
    "/services/download/",
    "/catalog/",
)
ALLOWED = ("/catalog/public/",)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in ALLOWED]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {settings.SITE_URL.rstrip('/')}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
