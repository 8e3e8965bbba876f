"""A procedure once loaded: the frozen shapes the engine reads. loader.py builds them from a
YAML file (or from a stored ProcedureVersion); nothing else creates them.

Reading guide: a Procedure has fields, states, actions (one of them the intake, keyed
"create") and timers. An action moves an order from one of its `from_states` to `to_state`
(None: it stays), may be taken by `roles`, records `requires` and `optional` fields, starts and
stops timers and has effects. A timer runs `minutes` (clock or working time) or until the time
recorded in `due_field`; when it passes, its BreachRule applies. A `charge` effect computes a
money field from a price table (Charge): no procedure needs Python for its prices.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation

LANGUAGES = ("zh-hans", "zh-hant", "en")

FIELD_TYPES = (
    "text",
    "long_text",
    "phone",
    "id_number",
    "datetime",
    "choice",
    "money",
    "count",
    "room",
    "customer",
    "department",
    "staff",
    "rating",
)

# Action keys the engine writes into the case log itself; a procedure cannot declare them.
CREATE = "create"
TIMER_BREACHED = "timer_breached"
ATTACH = "attach"  # an attachment added to the order
RESERVED_ACTIONS = (CREATE, TIMER_BREACHED, ATTACH)

# Who a notification goes to, besides a role: the person who recorded the order (经办人,
# who also makes the return visit) or the person who accepted it.
PERSONS = ("handler", "assignee")


@dataclass(frozen=True)
class Names:
    zh_hans: str
    zh_hant: str
    en: str

    def get(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one); Simplified Chinese otherwise."""
        language = (language or translation.get_language() or "zh-hans").lower()
        if language.startswith("en"):
            return self.en
        if language in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
            return self.zh_hant
        return self.zh_hans

    def __str__(self):
        return self.get()


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    name: Names
    options: tuple[tuple[str, Names], ...] = ()  # choice fields only, in the order declared
    future: bool = False  # datetime fields: the time must be later than now

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _name in self.options)


@dataclass(frozen=True)
class StateSpec:
    key: str
    name: Names
    final: bool = False


@dataclass(frozen=True)
class Recipient:
    """A role (optionally only its holders in the order's responsible department), or a person."""

    role: str = ""
    in_responsible_department: bool = False
    person: str = ""  # one of PERSONS


@dataclass(frozen=True)
class Condition:
    """True when the order's field or attribute has one of `values`; with no values, when it
    is filled in at all."""

    field: str
    values: tuple[str, ...] = ()

    def holds(self, value) -> bool:
        if self.values:
            return value in self.values
        return value not in (None, "")


@dataclass(frozen=True)
class ChargeLine:
    """One line of a price table: the number in the count field `count` times `unit_price`,
    or a fixed amount a person entered in the money field `amount_field` (a quoted fee)."""

    count: str = ""
    unit_price: Decimal = Decimal(0)
    amount_field: str = ""


@dataclass(frozen=True)
class Charge:
    """The sum of `lines`, rounded half up to the fen, written into the money field `into`."""

    into: str
    lines: tuple[ChargeLine, ...]


@dataclass(frozen=True)
class Effect:
    kind: str  # notify | escalate | assign_department | assign_to_actor | charge
    recipients: tuple[Recipient, ...] = ()  # notify
    role: str = ""  # escalate: the role the order is raised to
    field: str = ""  # assign_department: the department field that names the responsible department
    charge: Charge | None = None  # charge
    when: tuple[Condition, ...] = ()


EFFECT_KINDS = ("notify", "escalate", "assign_department", "assign_to_actor", "charge")


@dataclass(frozen=True)
class ActionSpec:
    key: str
    name: Names
    from_states: tuple[str, ...]
    to_state: str | None  # None: the order stays in its state (e.g. escalate, set_next_reply)
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    # Optional fields that become required when conditions on this action's own choice fields
    # hold: a department's copies need the department (field, conditions) pairs.
    requires_when: tuple[tuple[str, tuple[Condition, ...]], ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return self.requires + self.optional

    def target(self, state: str) -> str:
        return self.to_state or state


@dataclass(frozen=True)
class BreachRule:
    notify: tuple[Recipient, ...] = ()
    escalate: str = ""  # a role
    reassign: Recipient | None = None  # the order loses its assignee and this recipient is asked to reassign it
    message: Names | None = None  # what the people notified should do ("ask engineering if it is done")

    @property
    def is_empty(self) -> bool:
        return not (self.notify or self.escalate or self.reassign)


@dataclass(frozen=True)
class TimerSpec:
    key: str
    name: Names
    minutes: int | None = None  # a fixed limit ...
    working_time: bool = False  # ... counted in working hours rather than on the clock
    due_field: str = ""  # or: due at the datetime recorded in this field
    when: tuple[Condition, ...] = ()  # started only when these hold
    on_breach: BreachRule = BreachRule()


@dataclass(frozen=True, eq=False)
class Procedure:
    key: str
    prefix: str  # of work order numbers: TS-20261123-0001
    name: Names
    initial: str
    fields: dict[str, FieldSpec]
    states: dict[str, StateSpec]
    intake: ActionSpec  # the "create" action: who may record an order and what they record
    actions: dict[str, ActionSpec]
    timers: dict[str, TimerSpec]
    source: str  # the file (or stored version) it was read from, for messages
    definition: dict = field(repr=False)  # as written, the form stored in ProcedureVersion
    digest: str = ""  # sha256 of the canonical JSON of `definition`

    def is_final(self, state: str) -> bool:
        return self.states[state].final
