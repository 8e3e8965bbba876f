"""Procedure files are validated when loaded, with errors naming the file and the problem; a work
order keeps the version of the procedure it started under."""

import copy

import pytest
import yaml

from frontdesk.core.errors import InvalidInput
from frontdesk.workorders import loader
from frontdesk.workorders.loader import ProcedureError, load_procedures, load_file, parse_definition
from frontdesk.workorders.models import ProcedureVersion
from tests.workorders.helpers import act, complaint


def names(text: str) -> dict:
    return {"zh-hans": text, "zh-hant": text, "en": text}


def minimal() -> dict:
    """The smallest procedure that loads: one field, two states, one action, one timer."""
    return {
        "key": "sample",
        "prefix": "SP",
        "name": names("样例"),
        "initial": "open",
        "fields": {"summary": {"type": "text", "name": names("摘要")}},
        "states": {"open": {"name": names("处理中")}, "done": {"name": names("完成"), "final": True}},
        "intake": {"name": names("登记"), "roles": ["representative"], "requires": ["summary"], "starts": ["limit"]},
        "actions": {
            "finish": {
                "name": names("完成"),
                "from": ["open"],
                "to": "done",
                "roles": ["representative"],
                "stops": ["limit"],
            },
        },
        "timers": {"limit": {"name": names("时限"), "limit": {"minutes": 30}}},
    }


def write(tmp_path, definition, name="sample.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_of(tmp_path, definition) -> str:
    with pytest.raises(ProcedureError) as error:
        load_file(write(tmp_path, definition))
    message = str(error.value)
    assert all(line.startswith("sample.yaml: ") for line in message.splitlines()), message
    return message


def test_the_minimal_procedure_loads(tmp_path):
    procedure = load_file(write(tmp_path, minimal()))
    assert procedure.key == "sample" and procedure.actions["finish"].to_state == "done"
    assert procedure.name.get("en") == "样例"


def test_the_shipped_procedures_load_with_the_contract_keys():
    procedures = load_procedures()
    assert {"complaint", "repair"} <= set(procedures)
    complaint_procedure = procedures["complaint"]
    assert list(complaint_procedure.states) == [
        "recorded",
        "dispatched",
        "accepted",
        "resolved",
        "verified",
        "visited",
        "closed",
    ]
    assert {
        "dispatch",
        "accept",
        "report_result",
        "verify",
        "return_visit",
        "close",
        "escalate",
        "set_next_reply",
    } <= set(complaint_procedure.actions)
    assert complaint_procedure.timers["pickup"].minutes == 15
    assert complaint_procedure.name.get("zh-hant") == "業戶投訴"
    repair_procedure = procedures["repair"]
    assert (repair_procedure.timers["onsite"].minutes, repair_procedure.timers["check"].minutes) == (20, 60)
    assert repair_procedure.fields["quote_amount"].type == "money"
    assert load_procedures() is procedures  # read once


def mutate(change):
    definition = minimal()
    change(definition)
    return definition


CASES = {
    "unknown state in to": (
        lambda d: d["actions"]["finish"].update(to="don"),
        "actions.finish.to: unknown state “don”",
    ),
    "unknown state in from": (
        lambda d: d["actions"]["finish"].update({"from": ["opne"]}),
        "actions.finish.from: unknown state “opne”",
    ),
    "unknown initial state": (lambda d: d.update(initial="new"), "initial: unknown state “new”"),
    "unreachable state": (
        lambda d: d["states"].update(limbo={"name": names("悬空"), "final": True}),
        "states.limbo: unreachable",
    ),
    "state nobody leaves": (
        lambda d: (
            d["states"].update(stuck={"name": names("卡住")})
            or d["actions"].update(
                park={"name": names("搁置"), "from": ["open"], "to": "stuck", "roles": ["representative"]}
            )
        ),
        "states.stuck: no action leaves this state and it is not final",
    ),
    "no final state": (lambda d: d["states"]["done"].update(final=False), "no state is final"),
    "action without roles": (
        lambda d: d["actions"]["finish"].update(roles=[]),
        "actions.finish.roles: no role may take this action",
    ),
    "action with roles missing": (
        lambda d: d["actions"]["finish"].pop("roles"),
        "actions.finish: “roles” is missing",
    ),
    "unknown role": (
        lambda d: d["actions"]["finish"].update(roles=["janitor"]),
        "actions.finish.roles: unknown role “janitor”",
    ),
    "unknown role in a breach rule": (
        lambda d: d["timers"]["limit"].update(on_breach={"escalate": "boss"}),
        "timers.limit.on_breach.escalate: unknown role “boss”",
    ),
    "required field not declared": (
        lambda d: d["actions"]["finish"].update(requires=["colour"]),
        "actions.finish.requires: field “colour” is not declared",
    ),
    "intake field not declared": (
        lambda d: d["intake"].update(optional=["phone"]),
        "intake.optional: field “phone” is not declared",
    ),
    "timer never stopped": (
        lambda d: d["actions"]["finish"].pop("stops"),
        "timers.limit: started but never stopped by any action",
    ),
    "timer never stopped, even with a breach rule": (
        lambda d: (
            d["actions"]["finish"].pop("stops") and d["timers"]["limit"].update(on_breach={"escalate": "cs_manager"})
        ),
        "timers.limit: started but never stopped by any action",
    ),
    "timer never started": (
        lambda d: d["intake"].pop("starts"),
        "timers.limit: never started",
    ),
    "unknown timer": (
        lambda d: d["actions"]["finish"].update(stops=["limt"]),
        "actions.finish.stops: unknown timer “limt”",
    ),
    "unknown field type": (
        lambda d: d["fields"]["summary"].update(type="tel"),
        "fields.summary.type: unknown field type “tel”",
    ),
    "choice without options": (
        lambda d: d["fields"]["summary"].update(type="choice"),
        "fields.summary.options: a choice field lists its options",
    ),
    "name without English": (
        lambda d: d["states"]["open"]["name"].pop("en"),
        "states.open.name.en: missing",
    ),
    "misspelt key": (
        lambda d: d.update(timer=d.pop("timers")),
        "timer: unknown key",
    ),
    "breach message nobody receives": (
        lambda d: d["timers"]["limit"].update(on_breach={"escalate": "cs_manager", "message": names("快")}),
        "timers.limit.on_breach.message: a message goes with notify:",
    ),
    "timer without a limit": (
        lambda d: d["timers"]["limit"].pop("limit"),
        "timers.limit: give either limit:",
    ),
    "limit in an unknown calendar": (
        lambda d: d["timers"]["limit"].update(limit={"minutes": 30, "calendar": "lunar"}),
        "timers.limit.limit.calendar: clock (every minute counts) or working",
    ),
    "limit of no minutes": (
        lambda d: d["timers"]["limit"].update(limit={"minutes": 0}),
        "timers.limit.limit.minutes: a whole number of minutes above 0",
    ),
    "due_field timer started without its field": (
        lambda d: (
            d["fields"].update(reply_at={"type": "datetime", "name": names("答复时间")})
            or d["timers"].update(
                reply={"name": names("答复"), "due_field": "reply_at", "on_breach": {"notify": [{"person": "handler"}]}}
            )
            or d["actions"]["finish"].update(starts=["reply"])
        ),
        "actions.finish.starts: timer “reply” is due at the time in “reply_at”",
    ),
    "condition on an unknown field": (
        lambda d: d["timers"]["limit"].update(when={"urgency": ["high"]}),
        "timers.limit.when.urgency: unknown field “urgency”",
    ),
    "condition with an unknown value": (
        lambda d: d["timers"]["limit"].update(when={"complexity": ["tricky"]}),
        "“tricky” is not one of: simple, complex",
    ),
    "reserved action key": (
        lambda d: d["actions"].update(create={"name": names("x"), "from": ["open"], "roles": ["representative"]}),
        "actions.create: “create” is written by the engine itself",
    ),
    "a field listed twice": (
        lambda d: d["intake"].update(requires=["summary", "summary"]),
        "intake.requires: “summary” is listed twice",
    ),
}


@pytest.mark.parametrize("change, expected", CASES.values(), ids=CASES.keys())
def test_each_problem_is_named(tmp_path, change, expected):
    assert expected in problems_of(tmp_path, mutate(change))


def test_every_problem_is_reported_at_once(tmp_path):
    def two_problems(d):
        d["actions"]["finish"]["roles"] = ["janitor"]
        d["fields"]["summary"]["type"] = "tel"

    message = problems_of(tmp_path, mutate(two_problems))
    assert "unknown role “janitor”" in message and "unknown field type “tel”" in message


def test_duplicate_keys_are_refused_with_their_line(tmp_path):
    path = tmp_path / "sample.yaml"
    source = yaml.safe_dump(minimal(), allow_unicode=True, sort_keys=False)
    # A second `finish:` action, as a careless copy-paste leaves it: plain YAML keeps the last one silently.
    source = source.replace("actions:\n", "actions:\n  finish:\n    name: {zh-hans: a, zh-hant: a, en: a}\n", 1)
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ProcedureError) as error:
        load_file(path)
    assert "sample.yaml: line" in str(error.value) and "duplicate key “finish”" in str(error.value)


def test_keys_yaml_reads_as_booleans_are_refused(tmp_path):
    path = tmp_path / "sample.yaml"
    source = yaml.safe_dump(minimal(), allow_unicode=True, sort_keys=False)
    path.write_text(
        source.replace(
            "  summary:\n", "  yes:\n    type: text\n    name: {zh-hans: a, zh-hant: a, en: a}\n  summary:\n", 1
        )
    )
    with pytest.raises(ProcedureError) as error:
        load_file(path)
    assert "not read as text" in str(error.value)


def test_broken_yaml_names_the_file(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text("key: [unclosed\n")
    with pytest.raises(ProcedureError, match=r"^sample\.yaml: not valid YAML"):
        load_file(path)


def test_the_key_must_match_the_file_name(tmp_path):
    with pytest.raises(ProcedureError, match="name the file sample.yaml"):
        load_file(write(tmp_path, minimal(), name="other.yaml"))


def test_two_files_cannot_share_a_prefix(tmp_path):
    write(tmp_path, minimal())
    write(tmp_path, {**minimal(), "key": "second"}, name="second.yaml")
    with pytest.raises(ProcedureError, match="prefix: “SP” is already used by sample.yaml"):
        load_procedures(tmp_path)


# --- versions ----------------------------------------------------------------------------


def test_an_order_keeps_the_version_it_started_under(people, clock, monkeypatch):
    old_order = complaint(people.rep)
    old_order = act(people.rep, old_order, "dispatch", {"department": people.engineering.id})

    # The file changes: accepting now requires a signature field.
    edited = copy.deepcopy(load_procedures()["complaint"].definition)
    edited["fields"]["signature"] = {"type": "text", "name": names("签名")}
    edited["actions"]["accept"]["requires"] = ["signature"]
    new_procedure = parse_definition(edited, "complaint.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"complaint": new_procedure})

    new_order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    assert ProcedureVersion.objects.filter(key="complaint").count() == 2
    assert new_order.procedure_version_id != old_order.procedure_version_id

    act(people.plumber, old_order, "accept")  # the old definition asks for no signature
    with pytest.raises(InvalidInput) as refused:
        act(people.plumber, new_order, "accept")
    assert list(refused.value.fields) == ["fields.signature"]

    # A fresh process (an empty cache) rebuilds the old definition from the stored row.
    monkeypatch.setattr(loader, "_by_digest", {})
    act(people.plumber, old_order, "report_result", {"result": "已处理", "signed_off_by": people.eng_head.id})


def test_the_same_definition_is_stored_once(people, clock):
    complaint(people.rep)
    complaint(people.rep)
    assert ProcedureVersion.objects.filter(key="complaint").count() == 1
    stored = ProcedureVersion.objects.get(key="complaint")
    assert stored.digest == load_procedures()["complaint"].digest == loader.digest_of(stored.definition)
