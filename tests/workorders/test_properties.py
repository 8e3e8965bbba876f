"""Property-based tests of the engine: random walks through each shipped procedure, taken by
random people with valid fields, interleaved with refused attempts and passing time."""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core import clock as the_clock
from frontdesk.core.errors import ServiceError
from frontdesk.core.idnumbers import check_character
from frontdesk.workorders import services
from frontdesk.workorders.effects import charge_amount, conditions_hold
from frontdesk.workorders.loader import load_procedures
from frontdesk.workorders.models import WorkOrder
from frontdesk.workorders.procedure import TIMER_BREACHED
from frontdesk.workorders.timers import sweep_due_timers
from frontdesk.workorders.versions import current_procedure

ACTORS = ["rep", "specialist", "supervisor", "manager", "gm", "visits", "qa", "eng_head", "plumber", "guard"]
ID_NUMBER = "11010519491231002" + check_character("11010519491231002")

words = st.text(alphabet="漏水维修投诉业户楼上噪音停车 abc", min_size=1, max_size=30).filter(str.strip)


def value_for(field, people):
    """A strategy of valid values for one field."""
    strategies = {
        "text": words,
        "long_text": words,
        "room": st.sampled_from(["3-2-501", "5栋1单元1201"]),
        "phone": st.sampled_from(["13800138000", "+86 139 1234 5678", "010-6552 9988"]),
        "id_number": st.just(ID_NUMBER),
        "choice": st.sampled_from(field.option_keys),
        "money": st.decimals(min_value=0, max_value=100000, places=2).map(str),
        "count": st.integers(0, 1000),
        "rating": st.integers(1, 5),
        "department": st.sampled_from([people.engineering.id, people.security.id]),
        "staff": st.sampled_from([people.eng_head.id, people.plumber.id, people.rep.id]),
    }
    if field.type == "datetime":
        # Computed when drawn, so a "future" time is future when the action is taken.
        return st.integers(1, 20_000).map(
            lambda minutes: (the_clock.now() + datetime.timedelta(minutes=minutes)).isoformat()
        )
    return strategies[field.type]


@st.composite
def fields_for(draw, procedure, action, people):
    fields = {name: draw(value_for(procedure.fields[name], people)) for name in action.requires}
    for name in action.optional:
        if draw(st.booleans()):
            fields[name] = draw(value_for(procedure.fields[name], people))
    for name, conditions in action.requires_when:
        # An optional field the other answers make required (a department's copies name the department).
        if name not in fields and all(condition.holds(fields.get(condition.field)) for condition in conditions):
            fields[name] = draw(value_for(procedure.fields[name], people))
    return fields


MONEY = re.compile(r"\d+\.\d\d")


def money_is_yuan_and_fen(order, procedure) -> bool:
    """Every amount the order holds, typed or charged, is stored as yuan with two decimals."""
    amounts = [value for name, value in order.fields.items() if procedure.fields[name].type == "money"]
    return all(isinstance(value, str) and MONEY.fullmatch(value) for value in amounts)


def charges_made(procedure, action, order) -> set[str]:
    """The money fields the action's charges wrote: those whose condition held and that had
    something to charge."""
    return {
        effect.charge.into
        for effect in action.effects
        if effect.kind == "charge"
        and conditions_hold(effect.when, order)
        and charge_amount(effect.charge, order.fields) is not None
    }


@pytest.mark.parametrize("service_type", sorted(load_procedures()))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_random_walks_stay_inside_the_procedure_and_lose_no_event(people, clock, service_type, data):
    procedure = current_procedure(service_type)
    order = services.create_work_order(
        people.rep,
        service_type,
        fields=data.draw(fields_for(procedure, procedure.intake, people), label="intake"),
        complexity=data.draw(st.sampled_from(["simple", "complex"])),
    )
    taken = 1  # the intake is the first entry of the case log
    assert money_is_yuan_and_fen(order, procedure)

    for _step in range(data.draw(st.integers(1, 20), label="steps")):
        # Time passes, sometimes past a limit; sometimes the worker sweeps.
        clock.shift(datetime.timedelta(minutes=data.draw(st.sampled_from([0, 0, 3, 12, 25, 70]), label="minutes")))
        if data.draw(st.booleans(), label="sweep"):
            sweep_due_timers()
        order = WorkOrder.objects.get(id=order.id)
        before = (order.state, order.version, order.events.count())

        # Someone tries what they may not do: refused, and nothing changes.
        stranger = getattr(people, data.draw(st.sampled_from(ACTORS), label="stranger"))
        attempt = data.draw(st.sampled_from(sorted(procedure.actions)), label="attempt")
        if attempt not in {a.key for a in services.allowed_actions(order, stranger)}:
            with pytest.raises(ServiceError):
                services.take_action(
                    stranger,
                    order.id,
                    attempt,
                    version=order.version,
                    fields=data.draw(fields_for(procedure, procedure.actions[attempt], people), label="attempt fields"),
                )
            order = WorkOrder.objects.get(id=order.id)
            assert (order.state, order.version, order.events.count()) == before

        choices = [
            (name, action) for name in ACTORS for action in services.allowed_actions(order, getattr(people, name))
        ]
        if not choices:
            break
        # Mostly move on, so that walks reach the late states rather than circling in the
        # actions open in every state (escalate, set_next_reply, reply ...).
        onward = [(name, action) for name, action in choices if action.to_state not in (None, order.state)]
        if onward and data.draw(st.sampled_from([True, True, True, False]), label="onward"):
            choices = onward
        name, action = data.draw(st.sampled_from(choices), label="action")
        fields = data.draw(fields_for(procedure, action, people), label="fields")
        order = services.take_action(getattr(people, name), order.id, action.key, version=order.version, fields=fields)
        taken += 1

        assert order.state in procedure.states
        assert order.state == action.target(before[0])
        assert order.version == before[1] + 1
        logged = list(order.events.order_by("seq").values_list("seq", "action", "from_state", "to_state"))
        assert [seq for seq, *_ in logged] == list(range(1, len(logged) + 1))
        assert sum(1 for _seq, act, *_ in logged if act != TIMER_BREACHED) == taken
        # Every entry starts in the state the previous one ended in.
        assert all(prev[3] == nxt[2] for prev, nxt in zip(logged, logged[1:]))
        if procedure.is_final(order.state):
            assert not order.timers.filter(stopped_at__isnull=True).exists()
        # A charge shows in the order and in the action's own case-log entry, with the same amount.
        assert money_is_yuan_and_fen(order, procedure)
        entry = order.events.filter(action=action.key).order_by("-seq").first()
        for name in charges_made(procedure, action, order):
            assert entry.fields[name] == order.fields[name]
