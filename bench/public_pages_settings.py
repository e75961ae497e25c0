"""Settings for bench/public_pages.py: the production settings (office.settings, read from the
same environment), with a URLconf that adds one bare Django page to compare against
(bench/public_pages_urls.py). Used as DJANGO_SETTINGS_MODULE=public_pages_settings with bench/
on the Python path; never by the site itself."""

from office.settings import *  # noqa: F403 (the production settings, unchanged)

ROOT_URLCONF = "public_pages_urls"
