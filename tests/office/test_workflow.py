"""office.workflow: the one status machine (TRANSITIONS, COLOURS, move_to) and its badge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.test.utils import isolate_apps
from django.utils import translation

from office.exceptions import InvalidTransition
from office.models import MaintenanceTicket
from office.workflow import StatusBadge, Workflow
from procurement.models import PurchaseRequest

PR = PurchaseRequest.Status
BOOTSTRAP_COLOURS = {"primary", "secondary", "success", "danger", "warning", "info", "light", "dark"}
# The models whose status had its own copy of the transition check before office.workflow;
# each must stay on the mixin (a model added later is checked by the loops below anyway).
WORKFLOW_MODELS = {
    "office.MaintenanceTicket",
    "procurement.PurchaseRequest",
    "procurement.PurchaseOrder",
    "procurement.Consortium",
    "procurement.Membership",
    "procurement.Contract",
    "cataloging.BibRecord",
    "services.ServiceOrder",
    "payments.Payment",
}


def _models(base: type) -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, base)]


def _status_values(model: type[models.Model]) -> set[str]:
    field = model._meta.get_field(model.STATUS_FIELD)  # type: ignore[attr-defined]
    return {str(value) for value, _label in field.flatchoices}


# --- move_to / can_move_to ---------------------------------------------------------------


def test_move_to_sets_an_allowed_status_without_saving() -> None:
    pr = PurchaseRequest(status=PR.DRAFT)
    assert pr.can_move_to(PR.SUBMITTED)
    pr.move_to(PR.SUBMITTED)
    assert pr.status == PR.SUBMITTED
    assert pr.pk is None


def test_move_to_refuses_a_move_not_in_transitions_and_names_both_labels() -> None:
    pr = PurchaseRequest(status=PR.DRAFT)
    assert not pr.can_move_to(PR.APPROVED)
    with translation.override("en"), pytest.raises(InvalidTransition) as excinfo:
        pr.move_to(PR.APPROVED)
    assert str(excinfo.value) == "This cannot move from “Draft” to “Approved”."
    assert excinfo.value.obj is pr and excinfo.value.new_status == PR.APPROVED
    assert pr.status == PR.DRAFT


def test_move_to_message_is_translated_in_chinese() -> None:
    pr = PurchaseRequest(status=PR.DRAFT)
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as excinfo:
        pr.move_to(PR.APPROVED)
    assert str(excinfo.value) == "无法从“草稿”变更为“已批准”。"


def test_a_final_state_moves_nowhere() -> None:
    ticket = MaintenanceTicket(status=MaintenanceTicket.Status.CLOSED)
    assert not any(ticket.can_move_to(s) for s in MaintenanceTicket.Status)
    with pytest.raises(InvalidTransition):
        ticket.move_to(MaintenanceTicket.Status.OPEN)


def test_invalid_transition_still_accepts_a_label_from_older_callers() -> None:
    # Actions written before the mixin pass the target's label, or a word of their own.
    with translation.override("en"):
        by_label = InvalidTransition(PurchaseRequest(status=PR.DRAFT), PR.APPROVED.label)
        by_word = InvalidTransition(PurchaseRequest(status=PR.DRAFT), "renewed")
    assert str(by_label) == "This cannot move from “Draft” to “Approved”."
    assert str(by_word) == "This cannot move from “Draft” to “renewed”."


@isolate_apps("office")
def test_a_status_field_with_another_name_is_supported() -> None:
    class Door(Workflow):
        class State(models.TextChoices):
            SHUT = "shut", "Shut"
            AJAR = "ajar", "Ajar"

        STATUS_FIELD = "state"
        TRANSITIONS = {State.SHUT: {State.AJAR}}
        COLOURS = {State.SHUT: "secondary", State.AJAR: "warning"}
        state = models.CharField(max_length=10, choices=State.choices, default=State.SHUT)

        class Meta:
            app_label = "office"

    door = Door()
    assert door.status_value == "shut" and door.status_label == "Shut"
    door.move_to(Door.State.AJAR)
    assert door.state == "ajar" and door.status_colour == "warning"
    with translation.override("en"), pytest.raises(InvalidTransition, match="from “Ajar” to “Shut”"):
        door.move_to(Door.State.SHUT)


# --- every model's tables -----------------------------------------------------------------


def test_the_workflow_models_use_the_mixin() -> None:
    assert {m._meta.label for m in _models(Workflow)} >= WORKFLOW_MODELS


@pytest.mark.parametrize("model", _models(Workflow), ids=lambda m: m._meta.label)
def test_transitions_name_only_the_models_own_states(model: type[Workflow]) -> None:
    values = _status_values(model)
    assert model.TRANSITIONS, "a workflow model declares its moves"
    assert set(model.TRANSITIONS) <= values
    for source, targets in model.TRANSITIONS.items():
        assert targets <= values, f"{source} -> {targets - values}"
    assert "can_move_to" not in vars(model) and "move_to" not in vars(model), "one copy, in office.workflow"


@pytest.mark.parametrize("model", _models(StatusBadge), ids=lambda m: m._meta.label)
def test_colours_cover_every_state_with_a_bootstrap_colour(model: type[StatusBadge]) -> None:
    assert set(model.COLOURS) == _status_values(model)
    assert set(model.COLOURS.values()) <= BOOTSTRAP_COLOURS


# --- the badge ------------------------------------------------------------------------------


def test_badge_renders_the_colour_and_the_translated_label() -> None:
    pr = PurchaseRequest(status=PR.APPROVED)
    with translation.override("en"):
        html = render_to_string("partials/_status.html", {"obj": pr})
    assert html.strip() == '<span class="badge text-bg-success" data-status="approved">Approved</span>'
    with translation.override("zh-hans"):
        assert ">已批准</span>" in render_to_string("partials/_status.html", {"obj": pr})


def test_badge_takes_an_id_and_each_state_gets_its_colour() -> None:
    for status in MaintenanceTicket.Status:
        ticket = MaintenanceTicket(status=status)
        html = render_to_string("partials/_status.html", {"obj": ticket, "badge_id": "ticket-status"})
        assert f'class="badge text-bg-{MaintenanceTicket.COLOURS[status]}"' in html
        assert 'id="ticket-status"' in html and f'data-status="{status}"' in html


def test_no_template_colours_a_status_badge_itself() -> None:
    # A badge around get_status_display, or a colour class chosen by an if on a status,
    # belongs in partials/_status.html reading COLOURS.
    own_badge = re.compile(r'<span class="badge[^"]*"[^>]*>\{\{ \w+\.get_status_display \}\}')
    colour_chain = re.compile(r"(bg-\{% if \w+\.status|\{% if \w+\.status ==[^%]*%\}text-bg-)")
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if own_badge.search(path.read_text()) or colour_chain.search(path.read_text())
    ]
    assert offenders == []
