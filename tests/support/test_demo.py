"""The demo network's customer contact: canned answers, an open and a closed chat, answered surveys."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from marketing.support import selectors
from marketing.support.models import CannedAnswer, Conversation, SurveyFollowUp, SurveyInvitation

pytestmark = pytest.mark.django_db


def test_demo_has_chats_canned_answers_and_surveys_once(demo: Any) -> None:
    counts = (CannedAnswer.objects.count(), Conversation.objects.count(), SurveyInvitation.objects.count())
    assert counts[0] >= 3 and all(a.text_zh for a in CannedAnswer.objects.all())
    assert Conversation.objects.filter(status="open").count() == 1
    assert Conversation.objects.filter(status="closed", client__user=demo.client_a).count() == 1
    answered = SurveyInvitation.objects.filter(status="answered")
    assert answered.count() >= 2 and SurveyFollowUp.objects.filter(status="open").count() >= 1
    assert selectors.survey_rollup(user=demo.director)["overall"]["count"] == answered.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (CannedAnswer.objects.count(), Conversation.objects.count(), SurveyInvitation.objects.count())
