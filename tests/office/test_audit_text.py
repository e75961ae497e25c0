"""The audit log reads as sentences in the reader's language (issue 20, FOLIO's readable audit
log): the object by its translated kind and name, the action in words, the actor by name, money
formatted, booleans as words, status codes as labels — and every verb in the code base renders
without its raw code as the main text, in English and in Chinese."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, translation

from office import actions_people, audit
from office.audit_text import ACTIONS, ENTITIES, KEYS, SENTENCES, lines_for
from office.models import AuditEvent, Position, Preference
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("office", "payments", "procurement", "cataloging", "services", "sharing", "marketing")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def people(db: Any) -> People:
    return People()


def _chinese(user: Any) -> None:
    Preference.objects.update_or_create(user=user, defaults={"language": "zh-hans"})


def _english(user: Any) -> None:
    Preference.objects.update_or_create(user=user, defaults={"language": "en"})


def _line(event: AuditEvent, reader: Any, language: str) -> Any:
    with translation.override(language):
        return lines_for([event], reader)[0]


# --- one event, two languages -------------------------------------------------------------------


def test_an_english_actors_event_reads_in_chinese(people: People) -> None:
    actor = people.admin_assistant
    _english(actor)
    unit = factories.department("infodev")
    event = audit.record(
        actor=actor,
        verb="office.department.updated",
        target=unit,
        data={"old_minor": 300000, "new_minor": 450050, "active": True, "shared": False, "note": None},
    )
    name = actor.staff_profile.display_name

    chinese = _line(event, people.director, "zh-hans")
    assert chinese.summary == f"部门 {unit} 已更新"
    assert chinese.sentence == f"部门 {unit} 已更新（操作人：{name}）"
    details = {d.label: d.value for d in chinese.details}
    assert details == {"原": "¥3,000.00", "新": "¥4,500.50", "启用": "是", "共享": "否", "备注": "—"}
    assert "old_minor" not in str(chinese.details) and "300000" not in str(chinese.details)

    english = _line(event, people.director, "en")
    assert english.summary == f"Department {unit} updated"
    assert english.sentence == f"Department {unit} updated by {name}"
    details = {d.label: d.value for d in english.details}
    assert details == {"old": "¥3,000.00", "new": "¥4,500.50", "active": "yes", "shared": "no", "note": "—"}


def test_money_takes_the_events_currency_and_ids_are_hidden(people: People) -> None:
    event = audit.record(
        actor=None,
        verb="payments.payment.refunded",
        data={"amount_minor": 1250, "currency": "USD", "payment": 987654, "agency_id": 3, "pk": 5},
    )
    line = _line(event, people.director, "en")
    assert [(d.label, d.value) for d in line.details] == [("amount", "$12.50")]  # no such payment: no link
    assert line.system and line.actor == "system"
    assert line.summary == "Payment refunded" and line.sentence == "Payment refunded (automatically)"
    assert _line(event, people.director, "zh-hans").sentence == "付款已退款（系统自动）"


def test_status_codes_read_as_the_targets_status_labels(people: People) -> None:
    item = factories.equipment()
    event = audit.record(
        actor=people.director,
        verb="office.equipment.changed",
        target=item,
        data={"from": "in_service", "to": "retired"},
    )
    english = {d.label: d.value for d in _line(event, people.director, "en").details}
    assert english == {"from": "In service", "to": "Retired"}
    chinese = {d.label: d.value for d in _line(event, people.director, "zh-hans").details}
    with translation.override("zh-hans"):
        assert chinese == {"原": "在用", "新": str(item.Status.RETIRED.label)} and chinese["新"] != "Retired"


def test_a_person_is_named_and_linked_for_the_leadership(people: People) -> None:
    target = people.staff_infodev
    event = audit.record(
        actor=people.director,
        verb="office.staff.transferred",
        target=target,
        data={"from": {"department": target.staff_profile.department_id}, "deputy": people.head_infodev.pk},
    )
    line = _line(event, people.director, "en")
    assert line.name == target.staff_profile.display_name != target.username
    assert line.url == reverse("office:org_person", kwargs={"user_id": target.pk})
    assert f'href="{line.url}"' in line.summary_html
    details = {d.label: d.value for d in line.details}
    assert details["from"] == f"department {target.staff_profile.department}"
    assert details["deputy"] == people.head_infodev.staff_profile.display_name
    # A reader who may not open the person's page gets the name as text.
    for reader in (people.staff_custsvc, factories.staff("ba", role=Position.Role.BUSINESS_ASSISTANT)):
        plain = _line(event, reader, "en")
        assert plain.url == "" and "<a " not in plain.summary_html


def test_unknown_verbs_and_odd_data_do_not_crash(people: People) -> None:
    odd = AuditEvent(
        verb="someapp.gizmo.zapped_twice",
        target_repr="G-1",
        data={"weird": [1, 2], "nested": {"x": None, "flag": True}, "when": "2026-12-03", "text": "<b>hi</b>"},
    )
    bare = AuditEvent(verb="nodots", data="not a dict")
    gone = audit.record(actor=None, verb="office.department.closed", target=factories.department("custsvc"))
    AuditEvent.objects.filter(pk=gone.pk).update(target_id="999999")  # the object is gone
    gone.refresh_from_db()
    with translation.override("en"):
        odd_line, bare_line, gone_line = lines_for([odd, bare, gone], people.director)
    assert odd_line.summary == "Gizmo G-1 zapped twice"
    assert {d.label: d.value for d in odd_line.details} == {
        "weird": "2",
        "nested": "x —; flag yes",
        "when": formats.date_format(datetime.date(2026, 12, 3), "DATE_FORMAT"),
        "text": "<b>hi</b>",  # escaped by the template
    }
    assert bare_line.summary == "Nodots"
    assert gone_line.url == "" and gone_line.summary == f"Department {gone.target_repr} closed"
    with translation.override("zh-hans"):
        odd_line, bare_line, gone_line = lines_for([odd, bare, gone], people.director)
    assert "zapped twice" in odd_line.summary and gone_line.summary == f"部门 {gone.target_repr} 已关闭"


def test_every_word_of_the_dictionaries_has_its_chinese() -> None:
    with translation.override("zh-hans"):
        missing = [
            f"{name}[{key!r}] = {str(word)!r}"
            for name, words in (("ACTIONS", ACTIONS), ("KEYS", KEYS), ("ENTITIES", ENTITIES))
            for key, word in words.items()
            if not CJK.search(str(word))
        ]
        missing += [msgid for msgid in SENTENCES.values() if not CJK.search(translation.gettext(msgid))]
    assert not missing, missing


# --- every verb in the code base ----------------------------------------------------------------


def _verbs() -> set[str]:
    """Each `verb="app.entity.action"` literal in the apps (audit and notification verbs alike),
    and the f-string verbs expanded over the codes they take."""
    from cataloging.models import BibRecord
    from marketing.models import Inquiry
    from payments.models import Payment
    from sharing.timeline import MESSAGES

    found: set[str] = set()
    dynamic: list[str] = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.keyword) or node.arg != "verb":
                    continue
                values = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.count("."):
                        found.add(value.value)
                    elif isinstance(value, ast.JoinedStr):
                        dynamic.append(ast.unparse(value))
    expansions = {
        "payments.payment.": Payment.Status.values,
        "cataloging.record.": BibRecord.Status.values,
        "marketing.inquiry.": Inquiry.Status.values,
        "sharing.request.": list(MESSAGES),
    }
    for template in dynamic:
        prefix = next((p for p in expansions if p in template), None)
        assert prefix is not None, f"a new f-string verb: {template}; list its codes here"
        found |= {prefix + code for code in expansions[prefix]}
    return found


def test_the_grep_sees_the_verbs() -> None:
    verbs = _verbs()
    assert len(verbs) > 200
    assert {"office.staff.invited", "payments.payment.refunded", "sharing.request.cancel_asked"} <= verbs


def test_every_verb_reads_as_words_in_both_languages(people: People) -> None:
    untranslated = []
    raw = []
    for verb in sorted(_verbs()):
        event = AuditEvent(verb=verb, target_repr="X-1", data={})
        last = verb.rsplit(".", 1)[-1]
        if last not in ACTIONS and verb not in SENTENCES:
            untranslated.append(f"{verb}: no words for {last!r}")
            continue
        for language in ("en", "zh-hans"):
            line = _line(event, people.director, language)
            if verb in line.summary or verb in line.sentence or (("_" in last) and last in line.summary):
                raw.append(f"{verb} ({language}): {line.summary}")
            if language == "zh-hans" and not CJK.search(line.action if last in ACTIONS else line.summary):
                untranslated.append(f"{verb}: {line.summary}")
    assert not untranslated, untranslated
    assert not raw, raw


# --- the pages ----------------------------------------------------------------------------------


def _invite(people: People) -> Any:
    return actions_people.staff_invite(
        actor=people.admin_assistant,
        email="li.na@office.example",
        username="li_na",
        display_name="Li Na 李娜",
        department_id=factories.department("navigation").pk,
        position_id=factories.position(Position.Role.STAFF).pk,
        language="en",
    )


def test_the_audit_page_reads_in_the_readers_language(people: People) -> None:
    _english(people.admin_assistant)
    invited = _invite(people)
    audit.record(
        actor=people.admin_assistant,
        verb="office.department.updated",
        target=factories.department("infodev"),
        data={"old_minor": 300000, "active": True, "note": None},
    )
    director = people.director
    page = logged_in(director).get(reverse("office:audit_list"), {"verb": "office."}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已更新" in html and "¥3,000.00" in html and "已邀请" in html
    assert "old_minor" not in html and "300000" not in html and ">True<" not in html and ">None<" not in html
    person_url = reverse("office:org_person", kwargs={"user_id": invited.pk})
    assert f'<a href="{person_url}">Li Na 李娜</a>' in html
    # The verb is kept for support staff only as a muted code and a title, not as the sentence.
    summaries = re.findall(r'<span class="audit-sentence" title="([a-z_.]+)">(.*?)</span>', html)
    assert summaries and all(verb not in text for verb, text in summaries)
    assert logged_in(director).get(person_url).status_code == 200

    # Filtering by verb still works.
    only = logged_in(director).get(reverse("office:audit_list"), {"verb": "office.staff"})
    verbs = set(re.findall(r'data-verb="([a-z_.]+)"', only.content.decode()))
    assert verbs and all(v.startswith("office.staff") for v in verbs)

    english = logged_in(director).get(reverse("office:audit_list"), {"verb": "office."}, HTTP_ACCEPT_LANGUAGE="en")
    english = english.content.decode()
    assert "updated" in english and "¥3,000.00" in english and "已更新" not in english


def test_the_person_history_reads_as_sentences(people: People) -> None:
    _english(people.admin_assistant)
    invited = _invite(people)
    url = reverse("office:org_person", kwargs={"user_id": invited.pk})
    director = people.director
    html = logged_in(director).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    history = html[html.index('id="person-history"') :]
    assert "<code>office.staff.invited</code>" not in history
    text = re.sub(r"<[^>]+>", "", history)
    assert f"人员 Li Na 李娜 已邀请（操作人：{people.admin_assistant.staff_profile.display_name}）" in text
    history = logged_in(director).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Person Li Na 李娜 invited by {people.admin_assistant.staff_profile.display_name}" in re.sub(
        r"<[^>]+>", "", history
    )


def test_on_the_demos_audit_log_every_object_link_opens(demo: Any, django_assert_max_num_queries: Any) -> None:
    client = demo.client("director")
    seen: set[str] = set()
    for prefix in ("", "procurement.", "services.", "office.", "payments.", "cataloging.", "sharing."):
        with django_assert_max_num_queries(60):
            page = client.get(reverse("office:audit_list"), {"verb": prefix}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        html = page.content.decode()
        for row in re.findall(r'<td class="audit-summary">(.*?)</td>', html, re.S):
            seen |= set(re.findall(r'href="([^"]+)"', row))
    assert seen
    for url in sorted(seen):
        assert client.get(url).status_code == 200, url
