"""The monthly report (issue 16 item 1): the PDF the director downloads from the dashboard and
the one e-mailed on the first working day of the month by beat — once per director and month,
caught up later in the month when the first run was lost."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from office.dashboard.actions import SENT_VERB, first_working_day, monthly_report_send, monthly_reports_send
from office.models import AuditEvent, Preference
from office.schedules import DEFAULT_SCHEDULES
from tests import factories


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()


def test_first_working_day() -> None:
    assert first_working_day(2026, 8) == dt.date(2026, 8, 3)  # 1 August 2026 is a Saturday
    assert first_working_day(2026, 11) == dt.date(2026, 11, 2)  # a Sunday
    assert first_working_day(2026, 12) == dt.date(2026, 12, 1)  # a Tuesday


def test_the_schedule_and_its_task_are_registered() -> None:
    from office.celery import app

    task, every = DEFAULT_SCHEDULES["monthly report to the director"]
    assert task == "office.dashboard.tasks.monthly_report_task" and every == 3600
    assert task in app.tasks


@pytest.mark.django_db
def test_the_director_downloads_the_periods_report(tmp_path) -> None:
    people = factories.People()
    factories.budget_line("infodev")
    client = people.client("director")
    response = client.get(reverse("office:dashboard_report"), {"period": "quarter", "on": "2026-11-05"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="report-quarter-2026-10.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert "Spend against budget" in text and "Q4 2026" in text
    # In the director's own language, whatever the page's.
    Preference.objects.create(user=people.director, language="zh-hans")
    chinese = _pdf_text(client.get(reverse("office:dashboard_report")).content, tmp_path)
    assert "预算执行情况" in chinese and "Spend against budget" not in chinese


@pytest.mark.django_db
def test_sent_once_from_the_first_working_day_and_caught_up_later() -> None:
    director = factories.People().director
    mail.outbox.clear()
    assert monthly_reports_send(today=dt.date(2026, 8, 1)) == 0  # Saturday: not yet
    assert monthly_reports_send(today=dt.date(2026, 8, 3)) == 1
    (message,) = mail.outbox
    assert message.to == [director.email] and "July 2026" in message.subject
    assert message.attachments[0][0] == "report-month-2026-07.pdf"
    assert monthly_reports_send(today=dt.date(2026, 8, 3)) == 0  # the next hourly run
    assert monthly_reports_send(today=dt.date(2026, 8, 20)) == 0
    assert len(mail.outbox) == 1
    # September's first working day was lost (broker down): a later run that month catches up.
    assert monthly_reports_send(today=dt.date(2026, 9, 15)) == 1
    assert AuditEvent.objects.filter(verb=SENT_VERB, target_id=str(director.pk)).count() == 2
    assert set(AuditEvent.objects.filter(verb=SENT_VERB).values_list("data__month", flat=True)) == {
        "2026-07-01",
        "2026-08-01",
    }


@pytest.mark.django_db
def test_only_active_directors_with_an_address_get_it() -> None:
    people = factories.People()
    people.build("head_infodev")
    director = people.director
    director.email = ""
    director.save(update_fields=["email"])
    assert monthly_report_send(user_id=director.pk, month=dt.date(2026, 7, 1)) is False
    assert monthly_report_send(user_id=people.head_infodev.pk, month=dt.date(2026, 7, 1)) is False
    assert not AuditEvent.objects.filter(verb=SENT_VERB).exists()
