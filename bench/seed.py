"""Fill a database with N realistic work orders, fast, for the benchmarks.

    python bench/seed.py --orders 1000000 --database /tmp/bench-1m.sqlite3
    python bench/seed.py --orders 100000 --database postgresql://postgres@127.0.0.1:5432/bench

The database is migrated and given the demo departments and staff (frontdesk.core.demo), then
customers and work orders of the two shipped procedures (complaint, repair) spread over two
years up to now: each order walked some way along its procedure, with the case-log events,
the timers (stopped, breached or still running) and the search text and full-text index entries
the services would have written. One transaction per batch of orders.

The small tables go in with bulk_create. The three big ones (orders, events, timers: about ten
rows per order) go in with one prepared INSERT per table and executemany, each value adapted by
the connection's own adapters: bulk_create compiles SQL for every value of every row, which
measured 9,000 rows/s here, so a million orders took over half an hour.

The rows are written directly, not through services.create_work_order / take_action: those
cost a dozen queries per action, which would make a million orders take hours. What the
services derive (numbers, versions, search text, the number counters) is derived here the same
way, with their own functions where they are public.
"""

import argparse
import datetime
import functools
import random
import sys
import time
from dataclasses import dataclass, field

import benchenv

# Complaints as residents tell them (seed 000 §一, 001, 003): what happened, where.
COMPLAINTS = [
    ("楼上住户深夜装修，电钻噪音一直持续到十一点，影响老人和孩子休息", "楼上住户"),
    ("地下车库B区的车位被外来车辆长期占用，保安没有处理", "地下车库B区"),
    ("电梯经常停在十二楼不动，今天早上困人约十分钟", "3号电梯"),
    ("小区垃圾桶两天没有清运，气味很大，招来很多苍蝇", "2栋楼下垃圾站"),
    ("物业收费标准不透明，公摊水电费比上月高出很多，要求公示明细", "客服中心"),
    ("保安态度恶劣，访客登记时大声呵斥业主的家人", "南门岗亭"),
    ("小区绿化带被人种菜，浇粪水臭味严重", "中心花园"),
    ("楼道里堆放杂物，影响消防通道，多次反映没有清理", "消防通道"),
    ("宠物狗在草坪随地大小便，狗主人不清理", "中心花园"),
    ("快递柜经常满，快递员把包裹直接放在门口丢失了", "快递柜"),
    ("健身房器材损坏一个月没有修好", "会所健身房"),
    ("游泳池水质浑浊，孩子游泳后皮肤过敏", "会所泳池"),
    ("夜间路灯不亮，老人散步时摔倒", "5栋与6栋之间道路"),
    ("门禁卡失灵，重新办卡要收费，业户不认可", "北门门禁"),
    ("楼下餐馆油烟直排，窗户都不敢开", "商业街"),
    ("對保潔服務不滿意，樓道一週沒有拖地", "4棟2單元樓道"),
    ("投訴停車場收費員亂收費，沒有開發票", "停車場出口"),
    ("Neighbours play loud music every night after midnight", "Building 6"),
    ("The lift in building 3 keeps stopping between floors", "Lift 3"),
    ("Security guard was rude to my visitor at the south gate", "South gate"),
]

# Repair requests (seed 000 §二): what needs repair, where exactly.
REPAIRS = [
    ("卫生间天花板漏水，楼上住户家里没人", "卫生间"),
    ("厨房水龙头漏水，关不紧，一直滴水", "厨房"),
    ("客厅插座没电，空开跳闸后合不上", "客厅"),
    ("阳台地漏堵塞，下雨时积水倒灌进屋", "阳台"),
    ("入户门锁芯坏了，钥匙插进去拧不动", "入户门"),
    ("马桶水箱一直流水，浮球阀可能坏了", "卫生间"),
    ("空调外机支架松动，有掉落的危险", "主卧外墙"),
    ("热水器不出热水，燃气正常", "厨房"),
    ("窗户玻璃裂了一道缝，担心掉下去", "次卧"),
    ("墙面渗水发霉，墙纸起泡脱落", "儿童房"),
    ("楼道声控灯不亮，晚上上下楼很黑", "楼道"),
    ("对讲门铃没有声音，访客按门铃家里听不到", "入户门"),
    ("下水管道堵塞，厨房洗菜池排水很慢", "厨房"),
    ("衛生間地磚空鼓開裂，走上去有響聲", "衛生間"),
    ("電錶箱冒煙，有燒焦的味道，請盡快處理", "電錶箱"),
    ("The kitchen sink is blocked and water is backing up", "Kitchen"),
    ("Water leaking through the bathroom ceiling from upstairs", "Bathroom"),
    ("Front door lock is broken, the key will not turn", "Front door"),
]

DISPATCH_NOTES = ["请尽快派人到现场查看", "业户情绪激动，请负责人亲自处理", "业户下午在家，请提前电话联系", "", ""]
COMPLAINT_RESULTS = ["已上门与业户沟通，问题已解决", "已整改完毕，并向业户致歉", "已安排专人每日巡查", "已联系相关住户协商解决"]
REPAIR_RESULTS = ["更换水龙头阀芯，已不再漏水", "疏通管道，排水正常", "更换空开，恢复供电", "更换锁芯，交付新钥匙三把", "重新做防水，待干后复查"]
INSPECTIONS = ["现场查看属实，需更换配件", "楼上管道接口渗漏导致", "线路老化，需更换", "属于业户自用设施，需有偿维修"]
MATERIALS = ["阀芯一个", "PPR管两米、接头四个", "空气开关一个", "锁芯一个", "防水涂料一桶"]
SUGGESTIONS = ["希望以后处理能再快一些", "维修师傅很专业，表示感谢", "建议增加夜间值班人员"]
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "187", "188", "189"]

# How often each procedure comes in, and which departments take complaints (repairs go to
# engineering). Only departments with a head in the demo staff, so every accept has an actor.
REPAIR_SHARE = 0.6
COMPLAINT_DEPARTMENTS = [("engineering", 0.45), ("security", 0.30), ("cleaning", 0.25)]
SPAN = datetime.timedelta(days=730)


@dataclass
class Step:
    """One case-log entry to write: an action, when, by whom, what it recorded."""

    action: str
    at: datetime.datetime
    actor_id: int | None
    fields: dict
    to_state: str
    counts_as_version: bool = True


@dataclass
class Batch:
    orders: list = field(default_factory=list)  # WorkOrder instances (search_text_for reads them)
    events: list = field(default_factory=list)  # tuples in EVENT_COLUMNS order
    timers: list = field(default_factory=list)  # tuples in TIMER_COLUMNS order


ORDER_COLUMNS = (
    "id", "number", "service_type", "procedure_version_id", "state", "escalated", "fields", "customer_id", "department_id",
    "assignee_id", "priority", "complexity", "channel", "created_by_id", "created_at", "updated_at", "version", "search_text",
)
EVENT_COLUMNS = ("order_id", "seq", "at", "actor_id", "action", "from_state", "to_state", "fields", "note")
TIMER_COLUMNS = ("order_id", "name", "started_at", "due_at", "state", "stopped_at", "breached_at")


class Inserter:
    """One prepared INSERT for a model's table, values adapted for the database in use: times
    by the connection's datetime adapter (UTC text for SQLite, aware values for PostgreSQL),
    JSON by the field's own encoder."""

    def __init__(self, model, columns: tuple[str, ...]):
        from django.db import connection

        self.connection = connection
        fields = [model._meta.get_field(column.removesuffix("_id")) if column != "id" else model._meta.pk for column in columns]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        self.adapt = []
        for f in fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                self.adapt.append(connection.ops.adapt_datetimefield_value)
            elif kind == "JSONField":
                self.adapt.append(lambda value, f=f: f.get_db_prep_save(value, connection))
            else:
                self.adapt.append(None)

    def insert(self, rows: list[tuple]) -> None:
        adapters = list(enumerate(self.adapt))
        prepared = [
            tuple(value if adapt is None or value is None else adapt(value) for (_i, adapt), value in zip(adapters, row))
            for row in rows
        ]
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, prepared)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, required=True, help="how many work orders")
    parser.add_argument("--database", required=True, help="a SQLite file path or a postgresql:// URL")
    parser.add_argument("--customers", type=int, default=None, help="archive size (default: orders / 20, at least 200)")
    parser.add_argument("--batch", type=int, default=5000, help="orders per transaction")
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--replace", action="store_true", help="delete an existing SQLite file first")
    args = parser.parse_args(argv)
    if args.orders < 1:
        parser.error("--orders must be at least 1")

    url = benchenv.database_url(args.database)
    path = benchenv.sqlite_path(url)
    if path is not None and path.exists():
        if not args.replace:
            parser.error(f"{path} exists: pass --replace to start it again, or name a new file")
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    benchenv.setup_django(url)
    seed(args.orders, customers=args.customers or max(200, args.orders // 20), batch_size=args.batch, rng=random.Random(args.random_seed))
    return 0


def seed(orders: int, *, customers: int, batch_size: int, rng: random.Random) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from frontdesk.core import clock, demo
    from frontdesk.workorders.models import WorkOrder

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if WorkOrder.objects.exists():
        sys.exit("this database already has work orders: seed an empty one")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Seeding is a one-off bulk load into a throwaway file: durability per batch is not
            # needed, and a bigger page cache keeps the indexes in memory while they grow.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-512000")
    if demo.database_is_empty():
        _load_demo_quickly(make_password)
    print(f"migrated and demo staff loaded in {time.perf_counter() - started:.1f} s", flush=True)

    now = clock.now()
    world = World.build(now, rng)
    archive = _seed_customers(customers, world, rng)
    print(f"{customers:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
    _seed_orders(orders, archive, world, rng, batch_size, now)
    _reset_sequences()
    _gather_statistics()
    elapsed = time.perf_counter() - started
    print(f"done: {orders:,} work orders in {elapsed:.1f} s", flush=True)


def _load_demo_quickly(make_password) -> None:
    """The demo departments, staff and residents, without passwords: the production hasher
    takes about a second per person by design, both here and when `serve` checks which demo
    logins still work. Nobody logs in to a benchmark database (the load uses API tokens).
    The demo's few work orders are left out: the seeded ones take their numbers and ids."""
    from unittest import mock

    from frontdesk.core import demo

    with (
        mock.patch("django.contrib.auth.base_user.make_password", lambda raw: make_password(None)),
        mock.patch.object(demo, "load_work_order_demo", lambda *args: None),
    ):
        demo.load_demo()


@dataclass
class World:
    """Who and what the seeded orders refer to: staff, departments, procedures."""

    departments: dict
    staff: dict
    procedures: dict
    versions: dict
    start: datetime.datetime

    @classmethod
    def build(cls, now, rng):
        from frontdesk.accounts.models import Department, Staff
        from frontdesk.workorders import loader
        from frontdesk.workorders.versions import version_row

        procedures = {key: loader.load_procedures()[key] for key in ("complaint", "repair")}
        return cls(
            departments={d.code: d.id for d in Department.objects.all()},
            staff={s.username: s.id for s in Staff.objects.all()},
            procedures=procedures,
            versions={key: version_row(procedure).id for key, procedure in procedures.items()},
            start=now - SPAN,
        )

    def department_head(self, code: str) -> int:
        return self.staff[{"engineering": "engineer", "security": "security", "cleaning": "cleaner"}[code]]


def _random_name(rng) -> str:
    from frontdesk.core.demo import GIVEN, SURNAMES

    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _random_mobile(rng) -> str:
    return f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}"


def _seed_customers(count: int, world: World, rng) -> list:
    """Customers with a mobile number and a room, then read back with their contacts, the way
    search_text_for reads them."""
    from frontdesk.core.phones import national_digits
    from frontdesk.customers.models import ContactPoint, Customer, Residence, Unit
    from frontdesk.customers.services import _set_name, room_key

    units = []
    for building in range(1, 7):
        for entrance in range(1, 4):
            for floor in range(1, 19):
                for flat in range(1, 5):
                    room = f"{floor}{flat:02d}"
                    units.append(Unit(building=str(building), entrance=str(entrance), room=room, room_key=room_key(f"{building}-{entrance}-{room}")))
    Unit.objects.bulk_create(units, batch_size=2000, ignore_conflicts=True)  # the demo made a few
    unit_ids = list(Unit.objects.values_list("id", flat=True))

    first_id = (Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    created_at = world.start - datetime.timedelta(days=30)
    for offset in range(0, count, 5000):
        people, contacts, residences = [], [], []
        for i in range(offset, min(count, offset + 5000)):
            person = Customer(id=first_id + i, created_at=created_at, updated_at=created_at, created_by_id=world.staff["frontdesk"])
            _set_name(person, _random_name(rng))
            phone = _random_mobile(rng)
            people.append(person)
            contacts.append(ContactPoint(customer_id=person.id, kind="phone", value=phone, digits=national_digits(phone), label="手机"))
            residences.append(Residence(customer_id=person.id, unit_id=rng.choice(unit_ids), relation="owner"))
        Customer.objects.bulk_create(people)
        ContactPoint.objects.bulk_create(contacts)
        Residence.objects.bulk_create(residences)
    # Read back in slices: SQLite refuses a prefetch with tens of thousands of ids in one IN.
    archive = []
    for low in range(first_id, first_id + count, 500):
        chunk = Customer.objects.filter(id__gte=low, id__lt=min(low + 500, first_id + count))
        archive += chunk.prefetch_related("contacts", "residences__unit")
    return archive


def _seed_orders(count: int, archive: list, world: World, rng, batch_size: int, now) -> None:
    from django.db import transaction
    from django.utils import timezone

    from frontdesk.workorders import search
    from frontdesk.workorders.models import NumberSequence, Timer, WorkOrder, WorkOrderEvent

    # search_text_for converts every part to Simplified Chinese and parses every phone; the
    # parts repeat across orders (names, rooms, the phrases above), so remembering the answers
    # makes seeding several times faster without changing a single character of the result.
    search.to_simplified = functools.lru_cache(maxsize=200_000)(search.to_simplified)
    search.national_digits = functools.lru_cache(maxsize=200_000)(search.national_digits)

    inserters = {
        "orders": Inserter(WorkOrder, ORDER_COLUMNS),
        "events": Inserter(WorkOrderEvent, EVENT_COLUMNS),
        "timers": Inserter(Timer, TIMER_COLUMNS),
    }
    counters: dict[tuple[str, datetime.date], int] = {}
    step = SPAN / count
    written = {"orders": 0, "events": 0, "timers": 0}
    started = reported = time.perf_counter()
    batch = Batch()
    for i in range(count):
        created_at = world.start + step * i + datetime.timedelta(seconds=rng.uniform(0, step.total_seconds()))
        created_at = min(created_at, now - datetime.timedelta(seconds=1))
        service_type = "repair" if rng.random() < REPAIR_SHARE else "complaint"
        procedure = world.procedures[service_type]
        day = timezone.localdate(created_at)
        counters[(procedure.prefix, day)] = counters.get((procedure.prefix, day), 0) + 1
        number = f"{procedure.prefix}-{day:%Y%m%d}-{counters[(procedure.prefix, day)]:04d}"
        customer = rng.choice(archive) if rng.random() < 0.7 else None
        order = WorkOrder(
            id=i + 1,
            number=number,
            service_type=service_type,
            procedure_version_id=world.versions[service_type],
            customer=customer,
            priority=rng.choices(["normal", "urgent", "low"], [85, 10, 5])[0],
            complexity="simple" if rng.random() < 0.8 else "complex",
            channel=rng.choices(["phone", "walk_in", "web", "chat", "email"], [60, 20, 10, 6, 4])[0],
            created_by_id=world.staff[rng.choice(["frontdesk", "frontdesk2", "specialist"])],
            created_at=created_at,
        )
        steps = (_repair_steps if service_type == "repair" else _complaint_steps)(order, world, rng, now)
        _apply(order, procedure, steps, batch, world, rng, now)
        batch.orders.append(order)
        if len(batch.orders) >= batch_size or i == count - 1:
            with transaction.atomic():
                inserters["orders"].insert([tuple(getattr(o, c) for c in ORDER_COLUMNS) for o in batch.orders])
                inserters["events"].insert(batch.events)
                inserters["timers"].insert(batch.timers)
                search.write_index([(o.id, o.search_text) for o in batch.orders])  # the full-text index
            written["orders"] += len(batch.orders)
            written["events"] += len(batch.events)
            written["timers"] += len(batch.timers)
            batch = Batch()
            if time.perf_counter() - reported > 10 or i == count - 1:
                reported = time.perf_counter()
                seconds = time.perf_counter() - started
                rows = sum(written.values())
                print(
                    f"  {written['orders']:,} orders, {written['events']:,} events, {written['timers']:,} timers: "
                    f"{rows / seconds:,.0f} rows/s, {written['orders'] / seconds:,.0f} orders/s",
                    flush=True,
                )
    # The day's counters, so that the next order recorded through the services gets the next number.
    NumberSequence.objects.bulk_create(
        [NumberSequence(prefix=prefix, day=day, last=last) for (prefix, day), last in counters.items()], batch_size=2000
    )


def _intake_fields(order, rng, texts, extra: dict) -> dict:
    customer = order.customer
    description, location = rng.choice(texts)
    if customer is not None:
        name, phone = customer.name, customer.contacts.all()[0].value
        residence = customer.residences.all()[0].unit
        room = residence.room_key
    else:
        name, phone = _random_name(rng), _random_mobile(rng)
        room = f"{rng.randint(1, 6)}-{rng.randint(1, 3)}-{rng.randint(1, 18)}{rng.randint(1, 4):02d}"
    return {"caller_name": name, "caller_phone": phone, "room": room, "location": location, "description": description, "read_back": "confirmed", **extra}


def _iso(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).isoformat()


def _complaint_steps(order, world: World, rng, now) -> list[Step]:
    """recorded -> dispatched -> accepted -> resolved -> verified -> visited -> closed, cut off
    where the order has got to by now."""
    t0 = order.created_at
    rep = order.created_by_id
    severity = rng.choices(["ordinary", "serious", "major"], [85, 12, 3])[0]
    intake = _intake_fields(order, rng, COMPLAINTS, {"severity": severity, "occurred_at": _iso(t0 - datetime.timedelta(hours=rng.randint(1, 48)))})
    code = rng.choices([c for c, _w in COMPLAINT_DEPARTMENTS], [w for _c, w in COMPLAINT_DEPARTMENTS])[0]
    head = world.department_head(code)
    pickup = rng.choice([4, 8, 12, 14, 20, 35])  # minutes after dispatch; some miss the 15-minute limit
    return [
        Step("create", t0, rep, intake, "recorded"),
        Step("dispatch", t0 + datetime.timedelta(minutes=3), rep, {"department": world.departments[code], "dispatch_instructions": rng.choice(DISPATCH_NOTES)}, "dispatched"),
        Step("accept", t0 + datetime.timedelta(minutes=3 + pickup), head, {}, "accepted"),
        Step("report_result", t0 + datetime.timedelta(hours=rng.randint(2, 30)), head, {"result": rng.choice(COMPLAINT_RESULTS), "signed_off_by": head}, "resolved"),
        Step("verify", t0 + datetime.timedelta(hours=32), rep, {"verification_note": "回单完整，负责人已签字"}, "verified"),
        Step("return_visit", t0 + datetime.timedelta(days=2), world.staff["visits"], _ratings(rng), "visited"),
        Step("close", t0 + datetime.timedelta(days=3), rep, {"archive_note": ""} if rng.random() < 0.5 else {}, "closed"),
    ]


def _repair_steps(order, world: World, rng, now) -> list[Step]:
    """recorded -> dispatched -> accepted -> on_site (-> quote) -> completed -> verified ->
    visited -> closed."""
    t0 = order.created_at
    rep = order.created_by_id
    intake = _intake_fields(order, rng, REPAIRS, {"reported_by": "resident"})
    worker = world.staff["plumber"]
    arrive = rng.choice([10, 15, 18, 25, 40])  # minutes after dispatch; the limit is 20
    steps = [
        Step("create", t0, rep, intake, "recorded"),
        Step("dispatch", t0 + datetime.timedelta(minutes=2), rep, {"department": world.departments["engineering"], "dispatch_instructions": rng.choice(DISPATCH_NOTES)}, "dispatched"),
        Step("accept", t0 + datetime.timedelta(minutes=6), worker, {"assigned_worker": worker}, "accepted"),
        Step("arrive", t0 + datetime.timedelta(minutes=2 + arrive), worker, {"inspection": rng.choice(INSPECTIONS)}, "on_site"),
    ]
    done = {"work_done": rng.choice(REPAIR_RESULTS), "materials": rng.choice(MATERIALS)}
    if rng.random() < 0.25:
        amount = f"{rng.choice([30, 50, 80, 120, 200, 350])}.00"
        steps.append(Step("quote", t0 + datetime.timedelta(minutes=5 + arrive), worker, {"quote_amount": amount, "quote_response": "accepted"}, "on_site"))
        done["fee_collected"] = amount
    steps += [
        Step("report_result", t0 + datetime.timedelta(minutes=50 + rng.randint(0, 200)), worker, done, "completed"),
        Step("verify", t0 + datetime.timedelta(hours=6), rep, {}, "verified"),
        Step("return_visit", t0 + datetime.timedelta(days=1), world.staff["visits"], _ratings(rng), "visited"),
        Step("close", t0 + datetime.timedelta(days=2), rep, {}, "closed"),
    ]
    return steps


def _ratings(rng) -> dict:
    ratings = {key: rng.choices([5, 4, 3, 2, 1], [60, 25, 8, 4, 3])[0] for key in ("rating_quality", "rating_timeliness", "rating_attitude")}
    if rng.random() < 0.2:
        ratings["suggestion"] = rng.choice(SUGGESTIONS)
    return ratings


def _apply(order, procedure, steps: list[Step], batch: Batch, world: World, rng, now) -> None:
    """Walk the order along `steps` up to now (a few old orders stop early, as real ones do),
    filling the order, its events and its timers as the services and the sweep would have."""
    from frontdesk.workorders.effects import conditions_hold
    from frontdesk.workorders.procedure import TIMER_BREACHED
    from frontdesk.workorders.search import search_text_for
    from frontdesk.workorders.timers import due_time

    # 4% of orders are stuck somewhere along the way, whatever their age.
    stop_after = rng.randint(1, len(steps)) if rng.random() < 0.04 else len(steps)
    taken = [s for s in steps[:stop_after] if s.at <= now]
    entries: list[Step] = []
    running: dict[str, tuple[datetime.datetime, datetime.datetime]] = {}  # name -> (started, due)
    fields: dict = {}

    def stop(name: str, at) -> None:
        started_at, due_at = running.pop(name)
        breached = due_at <= at
        batch.timers.append((order.id, name, started_at, due_at, "breached" if breached else "stopped", at, due_at if breached else None))
        if breached:
            _breach(name, due_at)

    def _breach(name: str, due_at) -> None:
        rule = procedure.timers[name].on_breach
        recorded = {"timer": name, "due_at": _iso(due_at)}
        if rule.escalate:
            order.escalated = True
            recorded["escalated_to"] = rule.escalate
        entries.append(Step(TIMER_BREACHED, due_at, None, recorded, order.state, counts_as_version=False))

    for s in taken:
        spec = procedure.intake if s.action == "create" else procedure.actions[s.action]
        for name in spec.stops:
            if name in running:
                stop(name, s.at)
        if procedure.is_final(s.to_state):
            for name in list(running):
                stop(name, s.at)
        fields.update(s.fields)
        order.fields = fields
        if s.action == "create" and fields.get("severity") in ("serious", "major"):
            order.escalated = True
        if "department" in s.fields:
            order.department_id = s.fields["department"]
        if s.action == "accept":
            order.assignee_id = s.actor_id
        order.state = s.to_state
        entries.append(s)
        for name in spec.starts:
            if not conditions_hold(procedure.timers[name].when, order):
                continue
            running[name] = (s.at, due_time(procedure, name, s.at, fields))
    # Timers still running: past due means a sweep has found them by now.
    for name, (started_at, due_at) in running.items():
        if due_at <= now:
            batch.timers.append((order.id, name, started_at, due_at, "breached", None, due_at))
            _breach(name, due_at)
        else:
            batch.timers.append((order.id, name, started_at, due_at, "running", None, None))

    entries.sort(key=lambda e: e.at)
    state = ""
    for seq, entry in enumerate(entries, start=1):
        # A breach moves no state: it happened in the state the order was in.
        from_state = entry.to_state if entry.action == TIMER_BREACHED else state
        batch.events.append((order.id, seq, entry.at, entry.actor_id, entry.action, from_state, entry.to_state, entry.fields, ""))
        state = entry.to_state
    order.version = sum(1 for e in entries if e.counts_as_version)  # intake gives version 1
    order.updated_at = entries[-1].at
    order.search_text = search_text_for(order, procedure)


def _reset_sequences() -> None:
    """Ids were given explicitly; PostgreSQL's sequences must be moved past them."""
    from django.core.management.color import no_style
    from django.db import connection

    from frontdesk.customers.models import Customer
    from frontdesk.workorders.models import WorkOrder

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [WorkOrder, Customer]):
            cursor.execute(statement)


def _gather_statistics() -> None:
    """On PostgreSQL, what autovacuum gives a database that grew over two years: the planner's
    statistics and the visibility map that lets index-only scans skip the table. Without them
    the measurements would read a freshly loaded database no production server has. (SQLite
    gathers no statistics unless told to, in production too.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # Django's connection is in autocommit here


if __name__ == "__main__":
    sys.exit(main())
