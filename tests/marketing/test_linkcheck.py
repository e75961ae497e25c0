"""The weekly link check against a local HTTP server: dead links flagged, curators told once."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from marketing.linkcheck import link_check_run
from marketing.models import Subject, SubjectLink
from office.models import Notification

pytestmark = pytest.mark.django_db


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        if self.path == "/no-head":
            self.send_response(405)
        elif self.path.startswith("/ok") or self.path == "/no-head-get":
            self.send_response(200)
        else:
            self.send_response(404)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_dead_links_are_flagged_and_curators_told_once(demo, server):
    subject = Subject.objects.get(code="G")
    SubjectLink.objects.exclude(url="").delete()
    ok = SubjectLink.objects.create(subject=subject, title="ok", url=f"{server}/ok")
    head_refused = SubjectLink.objects.create(subject=subject, title="no head", url=f"{server}/no-head")
    gone = SubjectLink.objects.create(subject=subject, title="gone", url=f"{server}/gone")
    refused = SubjectLink.objects.create(subject=subject, title="refused", url="http://127.0.0.1:9/")

    result = link_check_run()
    assert result == {"checked": 4, "dead": 2, "newly_dead": 2}
    for link, dead in ((ok, False), (head_refused, False), (gone, True), (refused, True)):
        link.refresh_from_db()
        assert link.dead is dead and link.last_checked is not None
    gone.refresh_from_db()
    assert gone.last_status == "HTTP 404"
    told = Notification.objects.filter(verb="marketing.subject_link.dead")
    assert "staff_nav" in set(told.values_list("recipient__username", flat=True))
    assert told.first().params["count"] == 2
    before = told.count()

    link_check_run()  # still dead: nobody is told again
    assert told.count() == before


def test_link_check_task_runs_from_the_schedule():
    from office.schedules import DEFAULT_SCHEDULES

    task, _when = DEFAULT_SCHEDULES["marketing link check"]
    assert task == "marketing.tasks.link_check_task"
