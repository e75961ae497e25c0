"""Root URL configuration: every app's URLs under its namespace, plus auth, i18n and admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from marketing import sitemaps as marketing_seo_views
from office.forms import LoginForm, PasswordResetForm
from office.ratelimit import limit_posts_per_ip
from office.views import health, language

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        limit_posts_per_ip("password_reset")(auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)),
        name="password_reset",
    ),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

# The public site: the marketing pages and the storefront, under a language prefix (/en/…,
# /zh-hans/…) so search engines index both languages; "/" is redirected by LocaleMiddleware to
# the visitor's language. The sitemap and robots.txt stay at the root; the site editors' pages
# live in the intranet.
public_patterns = [
    *i18n_patterns(
        path("", include("marketing.urls")),
        path("store/", include("marketing.store.urls")),
        prefix_default_language=True,
    ),
    path("sitemap.xml", marketing_seo_views.sitemap, name="sitemap"),
    path("robots.txt", marketing_seo_views.robots_txt, name="robots_txt"),
    path("intranet/site/", include("marketing.urls_manage")),
]

urlpatterns = [
    *public_patterns,
    path("intranet/", include("office.routes")),
    path("accounts/", include(auth_patterns)),
    path("i18n/setlang/", language.language_switch, name="set_language"),
    path("health/live/", health.health_live, name="health_live"),
    path("payments/", include("payments.urls")),
    path("catalog/", include("cataloging.urls")),
    path("sru", include("cataloging.urls_sru")),
    path("oai", include("cataloging.urls_oai")),
    path("procurement/", include("procurement.urls")),
    path("services/", include("services.urls")),
    path("sharing/", include("sharing.urls")),
    path("support/", include("marketing.support.urls")),
    path("admin/", admin.site.urls),
    path("licences/", include("marketing.store.urls_licences")),
]

# Uploaded media is never served by URL path: every file goes out through a view that has
# checked who may read it (RELIABILITY.md I2).

handler403 = "office.views.home.error_403"
handler404 = "office.views.home.error_404"
handler500 = "office.views.home.error_500"
