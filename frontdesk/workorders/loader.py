"""Reading procedure files: YAML in, a validated Procedure out.

Every problem in a file is collected and reported together, each naming the file, where in it
(`actions.dispatch.to`) and what to do, so the author of a procedure fixes it in one pass.
A procedure that loads is one the engine can run: every state is reachable, every action has
roles that exist, every field it records is declared, every timer that starts can end.

`load_procedures()` reads the folder once per process. The definition as written (without comments)
is also what a ProcedureVersion row stores, so an order started under an older file is run by
that older definition: `from_definition()` rebuilds it.
"""

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from frontdesk.accounts.roles import Role
from frontdesk.workorders.choices import ORDER_ATTRIBUTES
from frontdesk.workorders.procedure import (
    CREATE,
    EFFECT_KINDS,
    FIELD_TYPES,
    LANGUAGES,
    PERSONS,
    RESERVED_ACTIONS,
    ActionSpec,
    BreachRule,
    Charge,
    ChargeLine,
    Condition,
    Effect,
    FieldSpec,
    Names,
    Procedure,
    Recipient,
    StateSpec,
    TimerSpec,
)

PROCEDURES_DIR = Path(__file__).resolve().parent / "procedures"

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_PREFIX = re.compile(r"^[A-Z]{1,4}$")

TOP_KEYS = ("key", "prefix", "name", "seed", "initial", "fields", "states", "intake", "actions", "timers")
FIELD_KEYS = ("type", "name", "options", "future")
STATE_KEYS = ("name", "final")
INTAKE_KEYS = ("name", "roles", "requires", "optional", "requires_when", "starts", "effects")
ACTION_KEYS = ("name", "from", "to", "roles", "requires", "optional", "requires_when", "starts", "stops", "effects")
TIMER_KEYS = ("name", "limit", "due_field", "when", "on_breach")
LIMIT_KEYS = ("minutes", "calendar")
BREACH_KEYS = ("notify", "escalate", "reassign", "message")
CHARGE_KEYS = ("into", "lines")
CHARGE_LINE_KEYS = ("count", "unit_price", "amount_field")
# Unit prices may go below the fen (0.125 yuan a sheet); the charged total is rounded to the fen.
UNIT_PRICE_PLACES = 4
RESPONSIBLE_DEPARTMENT = "responsible_department"


class ProcedureError(Exception):
    """A procedure file that cannot be run. `problems` lists each one; the message names the file."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


# --- YAML that refuses duplicate keys ----------------------------------------------------


class _KeyProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """YAML keeps the last of two equal keys without a word, so a second `dispatch:` would
    silently replace the first; this loader refuses it. It also refuses keys that YAML reads
    as something other than text (`yes:` is the boolean true in YAML 1.1)."""


def _construct_mapping(loader, node, deep=False):
    seen: dict[str, int] = {}
    for key_node, _value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        line = key_node.start_mark.line + 1
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            written = getattr(key_node, "value", key)
            raise _KeyProblem(line, f'the key {written!r} is not read as text; put it in quotes ("{written}")')
        if key in seen:
            raise _KeyProblem(
                line, f"duplicate key “{key}” (first written at line {seen[key]}); each key may appear once"
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, source: str):
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _KeyProblem as exc:
        raise ProcedureError(source, [f"line {exc.line}: {exc.message}"]) from None
    except yaml.YAMLError as exc:
        raise ProcedureError(source, [f"not valid YAML: {exc}"]) from None


# --- loading -----------------------------------------------------------------------------

_by_digest: dict[str, Procedure] = {}


def load_file(path: Path) -> Procedure:
    procedure = parse_definition(read_yaml(path.read_text(encoding="utf-8"), path.name), path.name)
    if procedure.key != path.stem:
        raise ProcedureError(
            path.name, [f"key: “{procedure.key}” differs from the file name; name the file {procedure.key}.yaml"]
        )
    return procedure


def load_procedures(folder: Path | str | None = None) -> dict[str, Procedure]:
    """Every procedure in `folder` (default: the shipped procedures/), by key. Read once per
    process; do not modify the result."""
    return _load_folder(Path(folder or PROCEDURES_DIR).resolve())


@cache
def _load_folder(folder: Path) -> dict[str, Procedure]:
    procedures: dict[str, Procedure] = {}
    prefixes: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        procedure = load_file(path)
        if procedure.prefix in prefixes:
            raise ProcedureError(
                path.name,
                [
                    f"prefix: “{procedure.prefix}” is already used by {prefixes[procedure.prefix]}; "
                    "give each service type its own"
                ],
            )
        prefixes[procedure.prefix] = path.name
        procedures[procedure.key] = procedure
    return procedures


def from_definition(definition: dict, source: str) -> Procedure:
    """The procedure a stored definition describes (cached by its digest)."""
    digest = digest_of(definition)
    procedure = _by_digest.get(digest)
    if procedure is None:
        procedure = parse_definition(definition, source)
    return procedure


def cached(digest: str) -> Procedure | None:
    return _by_digest.get(digest)


def canonical_json(definition) -> str:
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest_of(definition) -> str:
    return hashlib.sha256(canonical_json(definition).encode()).hexdigest()


# --- validation --------------------------------------------------------------------------


class _Reader:
    """Collects the problems of one definition."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def mapping(self, value, where: str, allowed=None, required=()) -> dict:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.problem(where, "must be a mapping (key: value lines)")
            return {}
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.problem(_join(where, key), f"unknown key; the keys here are: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                self.problem(where or "(top level)", f"“{key}” is missing")
        return value

    def key(self, value, where: str) -> None:
        if not isinstance(value, str) or not _KEY.match(value):
            self.problem(where, "a key is lower-case letters, digits and _, starting with a letter")

    def names(self, value, where: str) -> Names:
        if not isinstance(value, dict):
            self.problem(where, "give the name in each language: {zh-hans: …, zh-hant: …, en: …}")
            return Names("", "", "")
        self.mapping(value, where, LANGUAGES)
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.problem(_join(where, language), "missing; every name has zh-hans, zh-hant and en")
        return Names(*(str(value.get(language) or "") for language in LANGUAGES))

    def name_list(self, value, where: str) -> tuple[str, ...]:
        """A list of keys (a single key is taken as a list of one); each may appear once."""
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(where, "must be a list of names, e.g. [a, b]")
            return ()
        for item in set(value):
            if value.count(item) > 1:
                self.problem(where, f"“{item}” is listed twice")
        return tuple(dict.fromkeys(value))

    def role(self, value, where: str) -> str:
        if value not in Role.values:
            self.problem(where, f"unknown role “{value}”; the roles are: {', '.join(Role.values)}")
            return ""
        return value


def _join(where: str, key) -> str:
    return f"{where}.{key}" if where else str(key)


def parse_definition(data, source: str) -> Procedure:
    """Validate a definition (the YAML as read) and build its Procedure, or raise ProcedureError."""
    r = _Reader()
    top = r.mapping(data, "", TOP_KEYS, required=("key", "prefix", "name", "initial", "states", "intake", "actions"))
    key = top.get("key", "")
    r.key(key, "key")
    prefix = top.get("prefix", "")
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        r.problem("prefix", "one to four capital letters, e.g. TS (投诉) or WX (维修)")
    name = r.names(top.get("name"), "name")

    fields = {k: _field(r, k, v) for k, v in r.mapping(top.get("fields"), "fields").items()}
    states = {k: _state(r, k, v) for k, v in r.mapping(top.get("states"), "states").items()}
    initial = top.get("initial")
    if states and initial not in states:
        r.problem("initial", f"unknown state “{initial}”; the states are: {', '.join(states)}")
    if states and not any(state.final for state in states.values()):
        r.problem("states", "no state is final; mark the state that ends the procedure with final: true")
    timers = {k: _timer(r, k, v, fields) for k, v in r.mapping(top.get("timers"), "timers").items()}

    intake = _action(r, CREATE, top.get("intake"), "intake", states, fields, timers, is_intake=True)
    actions = {}
    for action_key, spec in r.mapping(top.get("actions"), "actions").items():
        if action_key in RESERVED_ACTIONS:
            r.problem(f"actions.{action_key}", f"“{action_key}” is written by the engine itself; choose another key")
            continue
        actions[action_key] = _action(r, action_key, spec, f"actions.{action_key}", states, fields, timers)

    if initial in states:
        _check_graph(r, initial, states, actions)
    _check_timers(r, timers, [intake, *actions.values()])

    try:
        digest = digest_of(data)
    except (TypeError, ValueError):
        r.problem("", "a value is neither text, a number, true/false, a list nor a mapping (a date? put it in quotes)")
        digest = ""
    if r.problems:
        raise ProcedureError(source, r.problems)
    if digest in _by_digest:
        return _by_digest[digest]
    procedure = Procedure(
        key=key,
        prefix=prefix,
        name=name,
        initial=initial,
        fields=fields,
        states=states,
        intake=ActionSpec(
            key=CREATE,
            name=intake.name,
            from_states=(),
            to_state=initial,
            roles=intake.roles,
            requires=intake.requires,
            optional=intake.optional,
            starts=intake.starts,
            effects=intake.effects,
            requires_when=intake.requires_when,
        ),
        actions=actions,
        timers=timers,
        source=source,
        definition=json.loads(canonical_json(data)),
        digest=digest,
    )
    _by_digest[digest] = procedure
    return procedure


def _field(r: _Reader, key: str, spec) -> FieldSpec:
    where = f"fields.{key}"
    r.key(key, where)
    spec = r.mapping(spec, where, FIELD_KEYS, required=("type", "name"))
    field_type = spec.get("type")
    if "type" in spec and field_type not in FIELD_TYPES:
        r.problem(f"{where}.type", f"unknown field type “{field_type}”; the types are: {', '.join(FIELD_TYPES)}")
    options = ()
    if field_type == "choice":
        raw_options = r.mapping(spec.get("options"), f"{where}.options")
        if not raw_options:
            r.problem(f"{where}.options", "a choice field lists its options: {key: {zh-hans: …, zh-hant: …, en: …}}")
        for option_key in raw_options:
            r.key(option_key, f"{where}.options.{option_key}")
        options = tuple((k, r.names(v, f"{where}.options.{k}")) for k, v in raw_options.items())
    elif "options" in spec:
        r.problem(f"{where}.options", "only choice fields have options")
    future = spec.get("future", False)
    if not isinstance(future, bool) or (future and field_type != "datetime"):
        r.problem(f"{where}.future", "true or false, and only for datetime fields")
    return FieldSpec(
        key=key,
        type=field_type,
        name=r.names(spec.get("name"), f"{where}.name"),
        options=options,
        future=future is True,
    )


def _state(r: _Reader, key: str, spec) -> StateSpec:
    where = f"states.{key}"
    r.key(key, where)
    spec = r.mapping(spec, where, STATE_KEYS, required=("name",))
    final = spec.get("final", False)
    if not isinstance(final, bool):
        r.problem(f"{where}.final", "true or false")
    return StateSpec(key=key, name=r.names(spec.get("name"), f"{where}.name"), final=final is True)


def _recipient(r: _Reader, value, where: str) -> Recipient:
    value = r.mapping(value, where, ("role", "in", "person"))
    if "person" in value:
        if "role" in value or "in" in value:
            r.problem(where, "a recipient is a role or a person, not both")
        if value["person"] not in PERSONS:
            r.problem(f"{where}.person", f"unknown person “{value['person']}”; use one of: {', '.join(PERSONS)}")
        return Recipient(person=value["person"] if value["person"] in PERSONS else "")
    if "role" not in value:
        r.problem(where, "name a role ({role: cs_manager}) or a person ({person: handler})")
        return Recipient()
    scope = value.get("in")
    if scope is not None and scope != RESPONSIBLE_DEPARTMENT:
        r.problem(f"{where}.in", f"the only scope is {RESPONSIBLE_DEPARTMENT}")
    return Recipient(role=r.role(value["role"], f"{where}.role"), in_responsible_department=scope is not None)


def _recipients(r: _Reader, value, where: str) -> tuple[Recipient, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        r.problem(where, "a list of recipients, e.g. [{role: cs_manager}]")
        return ()
    return tuple(_recipient(r, item, f"{where}[{i}]") for i, item in enumerate(value))


def _conditions(r: _Reader, value, where: str, fields: dict[str, FieldSpec]) -> tuple[Condition, ...]:
    conditions = []
    for name, wanted in r.mapping(value, where).items():
        at = f"{where}.{name}"
        if name in ORDER_ATTRIBUTES:
            known = ORDER_ATTRIBUTES[name]
        elif name in fields:
            known = fields[name].option_keys if fields[name].type == "choice" else None
        else:
            r.problem(
                at, f"unknown field “{name}”; declare it under fields or use one of: {', '.join(ORDER_ATTRIBUTES)}"
            )
            continue
        if wanted == "filled":
            conditions.append(Condition(name))
            continue
        if known is None:
            r.problem(
                at,
                "only choice fields and priority, complexity, channel can be compared; "
                "other fields can only be `filled`",
            )
            continue
        values = r.name_list(wanted, at)
        if not values:
            r.problem(at, "list the values that count, or write `filled`")
        for item in values:
            if item not in known:
                r.problem(at, f"“{item}” is not one of: {', '.join(known)}")
        conditions.append(Condition(name, values))
    return tuple(conditions)


def _timer(r: _Reader, key: str, spec, fields: dict[str, FieldSpec]) -> TimerSpec:
    where = f"timers.{key}"
    r.key(key, where)
    spec = r.mapping(spec, where, TIMER_KEYS, required=("name",))
    due_field = spec.get("due_field", "")
    if ("limit" in spec) == bool(due_field):
        r.problem(
            where,
            "give either limit: {minutes: 15, calendar: clock} "
            "or due_field: (a datetime field that holds the due time)",
        )
    minutes, calendar = None, "clock"
    if "limit" in spec:
        limit = r.mapping(spec["limit"], f"{where}.limit", LIMIT_KEYS, required=("minutes",))
        minutes, calendar = limit.get("minutes"), limit.get("calendar", "clock")
        if "minutes" in limit and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
            r.problem(f"{where}.limit.minutes", "a whole number of minutes above 0")
        if calendar not in ("clock", "working"):
            r.problem(
                f"{where}.limit.calendar", "clock (every minute counts) or working (only working hours on working days)"
            )
    if due_field and (due_field not in fields or fields[due_field].type != "datetime"):
        r.problem(f"{where}.due_field", f"“{due_field}” is not a declared datetime field")
    on_breach = BreachRule()
    if "on_breach" in spec:
        rule = r.mapping(spec["on_breach"], f"{where}.on_breach", BREACH_KEYS)
        on_breach = BreachRule(
            notify=_recipients(r, rule["notify"], f"{where}.on_breach.notify") if "notify" in rule else (),
            escalate=r.role(rule["escalate"], f"{where}.on_breach.escalate") if "escalate" in rule else "",
            reassign=_recipient(r, rule["reassign"], f"{where}.on_breach.reassign") if "reassign" in rule else None,
            message=r.names(rule["message"], f"{where}.on_breach.message") if "message" in rule else None,
        )
        if "message" in rule and "notify" not in rule:
            r.problem(f"{where}.on_breach.message", "a message goes with notify:; say who is told")
    return TimerSpec(
        key=key,
        name=r.names(spec.get("name"), f"{where}.name"),
        minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None,
        working_time=calendar == "working",
        due_field=due_field if isinstance(due_field, str) else "",
        when=_conditions(r, spec.get("when"), f"{where}.when", fields),
        on_breach=on_breach,
    )


def _effects(
    r: _Reader, value, where: str, fields: dict[str, FieldSpec], recorded: tuple[str, ...]
) -> tuple[Effect, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.problem(where, "a list of effects, e.g. [{escalate: cs_manager}]")
        return ()
    effects = []
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        item = r.mapping(item, at, (*EFFECT_KINDS, "when"))
        kinds = [k for k in item if k in EFFECT_KINDS]
        if len(kinds) != 1:
            r.problem(at, f"each effect is exactly one of: {', '.join(EFFECT_KINDS)}")
            continue
        kind, argument = kinds[0], item[kinds[0]]
        when = _conditions(r, item.get("when"), f"{at}.when", fields)
        if kind == "notify":
            effects.append(Effect(kind, recipients=_recipients(r, argument, f"{at}.notify"), when=when))
        elif kind == "escalate":
            effects.append(Effect(kind, role=r.role(argument, f"{at}.escalate"), when=when))
        elif kind == "assign_department":
            if argument not in fields or fields[argument].type != "department":
                r.problem(f"{at}.assign_department", f"“{argument}” is not a declared department field")
            elif argument not in recorded:
                r.problem(f"{at}.assign_department", f"“{argument}” is not recorded by this action; add it to requires")
            effects.append(Effect(kind, field=str(argument), when=when))
        elif kind == "assign_to_actor":
            if argument is not True:
                r.problem(f"{at}.assign_to_actor", "write assign_to_actor: true")
            effects.append(Effect(kind, when=when))
        elif kind == "charge":
            effects.append(Effect(kind, charge=_charge(r, argument, f"{at}.charge", fields, recorded), when=when))
    return tuple(effects)


def _charge(r: _Reader, value, where: str, fields: dict[str, FieldSpec], recorded: tuple[str, ...]) -> Charge:
    """A price table: {into: a money field, lines: [{count: a count field, unit_price: "1.00"},
    {amount_field: a money field}]}."""
    value = r.mapping(value, where, CHARGE_KEYS, required=CHARGE_KEYS)
    into = value.get("into")
    if "into" in value:
        if into not in fields or fields[into].type != "money":
            r.problem(f"{where}.into", f"“{into}” is not a declared money field")
        elif into in recorded:
            r.problem(
                f"{where}.into",
                f"“{into}” is computed by this charge, so a person cannot also record it here; "
                "remove it from requires and optional",
            )
    raw_lines = value.get("lines")
    if "lines" in value and (not isinstance(raw_lines, list) or not raw_lines):
        r.problem(f"{where}.lines", 'a list of lines, e.g. [{count: a4_pages, unit_price: "1.00"}]')
        raw_lines = []
    lines = []
    for i, raw in enumerate(raw_lines or []):
        at = f"{where}.lines[{i}]"
        raw = r.mapping(raw, at, CHARGE_LINE_KEYS)
        if "amount_field" in raw:
            if "count" in raw or "unit_price" in raw:
                r.problem(at, "a line is either {count: …, unit_price: …} or {amount_field: …}, not both")
            name = raw["amount_field"]
            if name not in fields or fields[name].type != "money":
                r.problem(f"{at}.amount_field", f"“{name}” is not a declared money field")
            elif name == into:
                r.problem(f"{at}.amount_field", f"“{name}” is the field this charge writes; name another")
            lines.append(ChargeLine(amount_field=str(name)))
            continue
        if "count" not in raw or "unit_price" not in raw:
            r.problem(at, 'a line needs count and unit_price ({count: a4_pages, unit_price: "1.00"}), or amount_field')
            continue
        name = raw["count"]
        if name not in fields or fields[name].type != "count":
            r.problem(f"{at}.count", f"“{name}” is not a declared count field")
        lines.append(ChargeLine(count=str(name), unit_price=_unit_price(r, raw["unit_price"], f"{at}.unit_price")))
    return Charge(into=str(into), lines=tuple(lines))


def _unit_price(r: _Reader, value, where: str) -> Decimal:
    # YAML reads 1.10 as a float, which cannot hold every fen exactly: prices are written as text.
    if not isinstance(value, str):
        r.problem(where, f'write the price in quotes, e.g. "{value}": money is never a float here')
        return Decimal(0)
    try:
        price = Decimal(value.strip())
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or price < 0 or -price.as_tuple().exponent > UNIT_PRICE_PLACES:
        r.problem(where, f"“{value}” is not a price in yuan (0 or more, at most {UNIT_PRICE_PLACES} decimals)")
        return Decimal(0)
    return price


def _requires_when(r: _Reader, value, where: str, fields, requires, optional) -> tuple:
    """{field: {choice_field: [values]}}: an optional field required when this action's own
    choice fields say so."""
    pairs = []
    for name, raw in r.mapping(value, where).items():
        at = f"{where}.{name}"
        if name not in optional:
            r.problem(at, f"“{name}” is not an optional field of this action; list it under optional")
        conditions = _conditions(r, raw, at, fields)
        if not conditions:
            r.problem(at, "say when it is required, e.g. {requester: [department]}")
        for condition in conditions:
            if condition.field not in requires + optional:
                r.problem(
                    at,
                    f"“{condition.field}” is not recorded by this action; "
                    "a condition here reads this action's own fields",
                )
        pairs.append((str(name), conditions))
    return tuple(pairs)


def _action(r, key, spec, where, states, fields, timers, is_intake=False) -> ActionSpec:
    r.key(key, where)
    spec = r.mapping(
        spec,
        where,
        INTAKE_KEYS if is_intake else ACTION_KEYS,
        required=("name", "roles") + (() if is_intake else ("from",)),
    )
    roles = r.name_list(spec.get("roles"), f"{where}.roles")
    if not roles:
        r.problem(f"{where}.roles", "no role may take this action; list at least one role")
    roles = tuple(role for role in roles if r.role(role, f"{where}.roles"))

    from_states, to_state = (), None
    if not is_intake:
        raw_from = spec.get("from")
        if raw_from == "*":
            # "*": whatever open state the order is in (escalate, set the next reply time ...).
            from_states = tuple(k for k, state in states.items() if not state.final)
        else:
            from_states = r.name_list(raw_from, f"{where}.from")
            if "from" in spec and not from_states:
                r.problem(f"{where}.from", "list the states this action may be taken in, or * for every open state")
        for state in from_states:
            if state not in states:
                r.problem(f"{where}.from", f"unknown state “{state}”; the states are: {', '.join(states)}")
        to_state = spec.get("to")
        if to_state is not None and to_state not in states:
            r.problem(f"{where}.to", f"unknown state “{to_state}”; the states are: {', '.join(states)}")

    requires = r.name_list(spec.get("requires"), f"{where}.requires")
    optional = r.name_list(spec.get("optional"), f"{where}.optional")
    for part, names in (("requires", requires), ("optional", optional)):
        for name in names:
            if name not in fields:
                r.problem(f"{where}.{part}", f"field “{name}” is not declared; add it under fields")
    for name in set(requires) & set(optional):
        r.problem(f"{where}.optional", f"“{name}” is already required")
    requires_when = _requires_when(r, spec.get("requires_when"), f"{where}.requires_when", fields, requires, optional)

    starts = r.name_list(spec.get("starts"), f"{where}.starts")
    stops = r.name_list(spec.get("stops"), f"{where}.stops")
    for part, names in (("starts", starts), ("stops", stops)):
        for name in names:
            if name not in timers:
                r.problem(f"{where}.{part}", f"unknown timer “{name}”; declare it under timers")
    for name in starts:
        due_field = timers[name].due_field if name in timers else ""
        if due_field and due_field not in requires:
            r.problem(
                f"{where}.starts",
                f"timer “{name}” is due at the time in “{due_field}”, so this action must require that field",
            )

    return ActionSpec(
        key=key,
        name=r.names(spec.get("name"), f"{where}.name"),
        from_states=tuple(s for s in from_states if s in states),
        to_state=to_state if to_state in states else None,
        roles=roles,
        requires=requires,
        optional=optional,
        starts=starts,
        stops=stops,
        effects=_effects(r, spec.get("effects"), f"{where}.effects", fields, requires + optional),
        requires_when=requires_when,
    )


def _check_graph(r: _Reader, initial: str, states: dict[str, StateSpec], actions: dict[str, ActionSpec]) -> None:
    reached, frontier = {initial}, [initial]
    while frontier:
        state = frontier.pop()
        for action in actions.values():
            if state in action.from_states and action.target(state) not in reached:
                reached.add(action.target(state))
                frontier.append(action.target(state))
    for key, state in states.items():
        if key not in reached:
            r.problem(
                f"states.{key}",
                f"unreachable: no chain of actions leads here from “{initial}”; "
                f"add an action with to: {key}, or remove the state",
            )
        elif not state.final and not any(key in action.from_states for action in actions.values()):
            r.problem(
                f"states.{key}", "no action leaves this state and it is not final; add an action or mark it final: true"
            )


def _check_timers(r: _Reader, timers: dict[str, TimerSpec], actions: list[ActionSpec]) -> None:
    """Every timer is started by some action and stopped by another. Closing an order ends its
    timers too, but a limit that only closing ends would be breached on every slow order: a
    procedure names the action that meets it."""
    started = {name for action in actions for name in action.starts}
    stopped = {name for action in actions for name in action.stops}
    for key in timers:
        if key not in started:
            r.problem(f"timers.{key}", "never started: no action lists it under starts")
        elif key not in stopped:
            r.problem(
                f"timers.{key}",
                "started but never stopped by any action; add it to the stops of the action that meets the limit",
            )
