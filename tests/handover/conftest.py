"""A roster for the handover tests: on Monday the representative works the day shift of the
service department (08:00-16:00), the specialist and the supervisor the evening shift
(16:00-22:00), the QA inspector is rostered on the evening shift too; the engineering
department has its own day shift with the plumber."""

import datetime

import pytest

from frontdesk.accounts.services import assign_duty, create_shift
from tests.workorders.helpers import act, complaint

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def roster(people):

    def shift(department, name, starts, ends):
        return create_shift(
            people.manager,
            department_id=department.id,
            name=name,
            starts_at=datetime.time(starts),
            ends_at=datetime.time(ends),
        )

    def duty(shift, person):
        return assign_duty(people.manager, shift_id=shift.id, staff_id=person.id, date=MONDAY)

    day = shift(people.service, "白班", 8, 16)
    evening = shift(people.service, "晚班", 16, 22)
    engineering = shift(people.engineering, "工程白班", 8, 17)
    duties = {
        "rep_day": duty(day, people.rep),
        "specialist_evening": duty(evening, people.specialist),
        "supervisor_evening": duty(evening, people.supervisor),
        "qa_evening": duty(evening, people.qa),
        "plumber_day": duty(engineering, people.plumber),
    }
    return {"day": day, "evening": evening, "engineering": engineering, **duties}


def verified_complaint(people, **overrides):
    """A complaint the representative recorded, handled by engineering and verified: its next
    step is the return visit (seed 000 §一.7)."""
    order = complaint(people.rep, **overrides)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    act(people.plumber, order, "accept")
    act(people.plumber, order, "report_result", {"result": "已修复", "signed_off_by": people.eng_head.id})
    return act(people.rep, order, "verify")
