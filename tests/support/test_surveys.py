"""Satisfaction surveys: the invitation sweep, answers, NPS roll-ups, low-score follow-ups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from marketing.support import actions, selectors
from marketing.support.models import Conversation, SurveyFollowUp, SurveyInvitation
from office.exceptions import DomainError
from office.inbox import items_for
from office.models import Department, Notification

pytestmark = pytest.mark.django_db


def _invitations(kind: str | None = None) -> Any:
    qs = SurveyInvitation.objects.exclude(subject_id__gte=900_000)  # not the demo's answered ones
    return qs.filter(kind=kind) if kind else qs


def _survey(demo: Any, department_code: str = "custsvc", **kw: Any) -> SurveyInvitation:
    department = Department.objects.get(organization__is_home=True, code=department_code)
    return SurveyInvitation.objects.create(
        kind=kw.pop("kind", "chat"), subject_id=kw.pop("subject_id", 555_000 + SurveyInvitation.objects.count()),
        subject_label="Test", user=demo.client_a, client=demo.client_a.client_account, department=department,
        completed_at=timezone.now(), **kw,
    )  # fmt: skip


def test_sweep_invites_each_completed_thing_once(demo: Any, staffed: None) -> None:
    from services import actions as services_actions
    from services.models import TrainingRegistration, TrainingSession
    from tests.services.factories import order_in

    order = order_in(demo, "completed")
    consultation = services_actions.consultation_open(actor=demo.client_a, subject="Question", body="Body")
    services_actions.consultation_close(consultation_id=consultation.pk, actor=demo.client_a)
    session = TrainingSession.objects.first()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    TrainingRegistration.objects.create(session=session, user=demo.client_b, status="attended")
    TrainingRegistration.objects.create(session=session, user=demo.staff_infodev, status="attended")  # staff: no survey
    chat = actions.conversation_start(name="", email="", message="Hi", language="en", user=demo.client_a)
    actions.conversation_close(token=chat.token)
    anonymous = actions.conversation_start(name="A", email="a@example.org", message="Hi", language="en")
    actions.conversation_close(token=anonymous.token)  # nobody to ask: no account

    before = _invitations().count()
    created = actions.survey_invitation_sweep()
    assert created == _invitations().count() - before == 4
    assert _invitations("order").get(subject_id=order.pk).offering_id == order.offering_id
    assert _invitations("consultation").get(subject_id=consultation.pk).user == demo.client_a
    assert _invitations("training").get().user == demo.client_b
    assert _invitations("chat").get(subject_id=chat.pk).department.code == "custsvc"
    assert actions.survey_invitation_sweep() == 0  # idempotent
    note = Notification.objects.filter(recipient=demo.client_a, verb="support.survey.invited").first()
    assert note.params["what"] in (
        {"_t": "your service order"},
        {"_t": "your consultation"},
        {"_t": "your chat with customer service"},
    )
    assert note.url.startswith("/support/survey/")


def test_sweep_leaves_old_work_alone(demo: Any, settings: Any) -> None:
    from tests.services.factories import order_in

    order = order_in(demo, "completed")
    type(order).objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=40))
    actions.survey_invitation_sweep()
    assert not _invitations("order").filter(subject_id=order.pk).exists()


def test_answer_once_with_topic_ratings(demo: Any) -> None:
    survey = _survey(demo)
    actions.survey_answer(
        token=survey.token, actor=demo.client_a, score=9, comment="Good", ratings={"speed": 5, "quality": ""}
    )
    survey.refresh_from_db()
    assert (survey.status, survey.score, survey.ratings) == ("answered", 9, {"speed": 5})
    assert not SurveyFollowUp.objects.filter(survey=survey).exists()
    with pytest.raises(DomainError):
        actions.survey_answer(token=survey.token, actor=demo.client_a, score=3)


def test_bad_scores_and_ratings_are_refused(demo: Any) -> None:
    survey = _survey(demo)
    for score, ratings in ((11, {}), (-1, {}), (5, {"speed": 6}), (5, {"nonsense": 3})):
        with pytest.raises(DomainError):
            actions.survey_answer(token=survey.token, actor=demo.client_a, score=score, ratings=ratings)


def test_somebody_elses_survey_is_a_404(demo: Any) -> None:
    survey = _survey(demo)
    url = reverse("support:survey_answer", args=[survey.token])
    assert demo.client("client_b").get(url).status_code == 404
    assert demo.client("client_b").post(url, {"score": 0}).status_code == 404
    survey.refresh_from_db()
    assert survey.status == "sent"


def _follow_up_count(user: Any) -> int:
    items = [item for item in items_for(user) if item.title == "Low satisfaction scores to follow up"]
    return items[0].count if items else 0


def test_low_score_opens_a_follow_up_for_the_department_head(demo: Any) -> None:
    survey = _survey(demo, "custsvc")
    before = {name: _follow_up_count(demo.users[name]) for name in ("head_custsvc", "head_infodev", "director")}
    response = demo.client("client_a").post(
        reverse("support:survey_answer", args=[survey.token]), {"score": 4, "comment": "Slow"}
    )
    assert response.status_code == 302
    follow_up = SurveyFollowUp.objects.get(survey=survey)
    assert follow_up.status == "open"
    note = Notification.objects.get(recipient=demo.head_custsvc, verb="support.follow_up.opened")
    assert note.params["score"] == 4
    assert _follow_up_count(demo.head_custsvc) == before["head_custsvc"] + 1  # "my tasks"
    assert _follow_up_count(demo.director) == before["director"] + 1
    assert _follow_up_count(demo.head_infodev) == before["head_infodev"]  # another unit's


def test_follow_up_is_closed_by_the_head_with_a_note(demo: Any) -> None:
    survey = _survey(demo, "custsvc")
    actions.survey_answer(token=survey.token, actor=demo.client_a, score=2)
    follow_up = SurveyFollowUp.objects.get(survey=survey)
    url = reverse("support:follow_up_close", args=[follow_up.pk])
    assert demo.client("head_infodev").post(url, {"note": "x"}).status_code == 404  # not their unit
    head = demo.client("head_custsvc")
    assert head.post(url, {"note": ""}).status_code == 200  # the page again, asking for the note
    assert head.post(url, {"note": "Called the client; refund of the delay fee agreed."}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "closed" and follow_up.closed_by == demo.head_custsvc and "refund" in follow_up.note
    with pytest.raises(DomainError):
        actions.follow_up_close(follow_up_id=follow_up.pk, actor=demo.head_custsvc, note="again")


def test_nps_arithmetic() -> None:
    assert selectors.nps([10, 9, 8, 7, 6, 0])["nps"] == 0
    assert selectors.nps([10, 10, 9])["nps"] == 100
    result = selectors.nps([0, 5, 9, 10])
    assert (result["nps"], result["average"], result["promoters"], result["detractors"]) == (0, 6.0, 2, 2)
    assert selectors.nps([])["nps"] is None


def test_rollup_per_department_service_and_month_scoped_to_the_head(demo: Any) -> None:
    SurveyFollowUp.objects.all().delete()
    SurveyInvitation.objects.all().delete()
    from services.models import Offering

    offering = Offering.objects.filter(department__code__in=["infodev", "topic"]).first() or Offering.objects.first()
    for score in (10, 9, 3):
        s = _survey(demo, offering.department.code, kind="order", offering=offering)
        actions.survey_answer(token=s.token, actor=demo.client_a, score=score, ratings={"quality": 4})
    for score in (8, 10):
        s = _survey(demo, "custsvc")
        actions.survey_answer(token=s.token, actor=demo.client_a, score=score)
    everything = selectors.survey_rollup(user=demo.director)
    assert everything["overall"]["count"] == 5
    assert everything["overall"]["nps"] == round(100 * (3 - 1) / 5)
    by_service = {row["label"]: row for row in everything["services"]}
    assert by_service[offering.name]["nps"] == round(100 * (2 - 1) / 3) and by_service[offering.name]["ratings"] == {
        "quality": 4.0
    }
    month = timezone.localtime().strftime("%Y-%m")
    assert everything["months"][-1]["label"] == month and everything["chart"]["months"][-1] == month
    custsvc = selectors.survey_rollup(user=demo.head_custsvc)
    assert custsvc["overall"]["count"] == 2 and custsvc["overall"]["nps"] == 50
    assert [row["label"] for row in custsvc["departments"]] == [
        Department.objects.get(code="custsvc", organization__is_home=True).name
    ]


def test_dashboard_page_shows_the_figures_and_the_chart_data(demo: Any) -> None:
    response = demo.client("director").get(reverse("support:survey_dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="survey-chart-data"' in html and "chart.umd.min.js" in html and "survey-chart.js" in html
    assert 'id="overall-nps"' in html
    assert demo.client("staff_custsvc").get(reverse("support:survey_dashboard")).status_code == 403


def test_closed_chat_of_a_client_invites_to_a_survey(demo: Any, staffed: None) -> None:
    chat = actions.conversation_start(name="", email="", message="Hi", language="zh-hans", user=demo.client_a)
    actions.conversation_close(conversation_id=chat.pk, actor=demo.staff_custsvc)
    actions.survey_invitation_sweep()
    survey = SurveyInvitation.objects.get(kind="chat", subject_id=chat.pk)
    client = demo.client("client_a")
    assert client.get(reverse("support:my_surveys")).status_code == 200
    client.post(reverse("support:survey_answer", args=[survey.token]), {"score": 10, "rating_speed": 5})
    survey.refresh_from_db()
    assert survey.score == 10 and survey.ratings == {"speed": 5}
    assert Conversation.objects.get(pk=chat.pk).is_closed


def test_survey_pages_in_chinese(demo: Any) -> None:
    survey = _survey(demo, "custsvc")
    client = demo.client("client_a")
    client.cookies["django_language"] = "zh-hans"
    answer_page = client.get(reverse("support:survey_answer", args=[survey.token])).content.decode()
    assert "您向同事推荐我们的可能性有多大" in answer_page and "Send my answer" not in answer_page
    assert "工作质量" in answer_page and "Quality of the work" not in answer_page
    mine = client.get(reverse("support:my_surveys")).content.decode()
    assert "我的满意度调查" in mine and "Waiting for an answer" not in mine
    actions.survey_answer(token=survey.token, actor=demo.client_a, score=1)
    director = demo.client("director")
    director.cookies["django_language"] = "zh-hans"
    dashboard = director.get(reverse("support:survey_dashboard")).content.decode()
    for english in ("Satisfaction surveys", "Per department", "Latest answers", "Average score", "Low scores"):
        assert english not in dashboard, english
    assert "净推荐值" in dashboard and "按部门" in dashboard
    follow_up = SurveyFollowUp.objects.get(survey=survey)
    detail = director.get(reverse("support:follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "调查跟进" in detail and "待跟进" in detail and "Close the follow-up" not in detail
