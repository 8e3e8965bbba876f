"""Demo data: a small property office with its departments, one person per role and a few
dozen residents, so that a first run shows a working front desk."""

import datetime
import random

from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Department, Duty, Shift, Staff
from frontdesk.accounts.roles import Role
from frontdesk.accounts.services import MembershipSpec, create_staff
from frontdesk.core import clock
from frontdesk.customers.models import Customer, Residence
from frontdesk.customers.services import ContactInput, ResidenceInput, create_customer

DEMO_PASSWORD = "frontdesk-demo"

DEPARTMENTS = [
    ("service", "客服部", "0755-8888 1000"),
    ("engineering", "工程部", "0755-8888 1001"),
    ("security", "保安部", "0755-8888 1002"),
    ("cleaning", "保洁部", "0755-8888 1003"),
    ("admin", "行政部", "0755-8888 1004"),
    ("finance", "财务部", "0755-8888 1005"),
]

# username, full name, staff number, department code, role
STAFF = [
    ("admin", "系统管理员", "A001", "admin", Role.ADMINISTRATOR),
    ("gm", "王建国", "M001", "admin", Role.GENERAL_MANAGER),
    ("manager", "李秀英", "M002", "service", Role.CS_MANAGER),
    ("supervisor", "陈静", "S001", "service", Role.SUPERVISOR),
    ("frontdesk", "张敏", "F001", "service", Role.REPRESENTATIVE),
    ("frontdesk2", "刘洋", "F002", "service", Role.REPRESENTATIVE),
    ("specialist", "杨帆", "F003", "service", Role.SPECIALIST),
    ("visits", "赵丽", "V001", "service", Role.RETURN_VISIT_SPECIALIST),
    ("qa", "孙伟", "Q001", "service", Role.QA_INSPECTOR),
    ("analyst", "周婷", "D001", "service", Role.DATA_ANALYST),
    ("engineer", "吴强", "E001", "engineering", Role.DEPARTMENT_HEAD),
    ("plumber", "郑师傅", "E002", "engineering", Role.DEPARTMENT_WORKER),
    ("security", "冯刚", "B001", "security", Role.DEPARTMENT_HEAD),
    ("cleaner", "何芳", "C001", "cleaning", Role.DEPARTMENT_HEAD),
]

SHIFTS = [("早班", datetime.time(8), datetime.time(16)), ("中班", datetime.time(16), datetime.time(0)), ("夜班", datetime.time(0), datetime.time(8))]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文", "华", "建华", "玉兰", "志强", "海燕", "晓明"]
TRADITIONAL = ["張偉", "陳麗華", "黃志強", "劉曉明"]
ORGANISATIONS = ["深圳市海岸科技有限公司", "南山区幸福幼儿园", "顺丰速运(园区站)"]
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "187", "188", "189"]
TAGS = ["业主委员会", "VIP", "老人独居", "装修中", "欠费提醒"]


def database_is_empty() -> bool:
    return not Staff.objects.exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts still present with the demo password, for `serve` to print."""
    staff = Staff.objects.filter(username__in=[s[0] for s in STAFF], is_active=True).prefetch_related("memberships")
    logins = []
    for person in staff:
        if person.check_password(DEMO_PASSWORD):
            role = person.memberships.all()[0].get_role_display() if person.memberships.all() else ""
            logins.append((person.username, person.full_name, str(role)))
    return logins


@transaction.atomic
def load_demo(customers: int = 60, seed: int = 2026) -> None:
    rng = random.Random(seed)
    departments = {code: Department.objects.create(code=code, name=name, phone=phone) for code, name, phone in DEPARTMENTS}
    staff = {}
    for username, full_name, number, dept, role in STAFF:
        staff[username] = create_staff(
            None,
            username=username,
            full_name=full_name,
            employee_number=number,
            password=DEMO_PASSWORD,
            phone=f"1380013{number[-3:]:0>4}",
            memberships=[MembershipSpec(departments[dept].id, role)],
            check_password_strength=False,
        )
    staff["admin"].is_superuser = staff["admin"].is_staff = True
    staff["admin"].save(update_fields=["is_superuser", "is_staff"])

    today = clock.today()
    service_shifts = [Shift.objects.create(department=departments["service"], name=n, starts_at=s, ends_at=e) for n, s, e in SHIFTS]
    rota = ["frontdesk", "frontdesk2", "specialist"]
    for day in range(-1, 30):
        date = today + datetime.timedelta(days=day)
        for i, shift in enumerate(service_shifts):
            Duty.objects.create(staff=staff[rota[(i + day) % 3]], shift=shift, date=date)
    engineering_day = Shift.objects.create(department=departments["engineering"], name="白班", starts_at=datetime.time(8), ends_at=datetime.time(20))
    for day in range(-1, 30):
        Duty.objects.create(staff=staff["plumber"], shift=engineering_day, date=today + datetime.timedelta(days=day))

    names = TRADITIONAL + [rng.choice(SURNAMES) + rng.choice(GIVEN) for _i in range(customers - len(TRADITIONAL) - len(ORGANISATIONS))]
    for i, name in enumerate(names):
        building, entrance = rng.randint(1, 6), rng.randint(1, 3)
        room = f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}"
        contacts = [ContactInput("phone", f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}", _("mobile"))]
        if i % 5 == 0:
            contacts.append(ContactInput("phone", f"0755-2{rng.randint(1000000, 9999999)}", _("home")))
        create_customer(
            staff["frontdesk"],
            name=name,
            contacts=contacts,
            residences=[ResidenceInput(str(building), room, str(entrance), rng.choice(list(Residence.Relation.values)))],
            tags=[rng.choice(TAGS)] if i % 4 == 0 else [],
        )
    for name in ORGANISATIONS:
        create_customer(
            staff["frontdesk"],
            name=name,
            kind=Customer.Kind.ORGANISATION,
            contacts=[ContactInput("phone", f"0755-8{rng.randint(1000000, 9999999)}", _("office"))],
            residences=[ResidenceInput("商业街", f"{rng.randint(1, 30):02d}")],
        )
    load_work_order_demo(staff, departments)
    load_hotel_demo(staff["admin"], staff["frontdesk"])


def load_work_order_demo(staff: dict, departments: dict) -> None:
    """A morning at the front desk, recorded through the engine as people would: a leak just
    dispatched (its pick-up limit running), a repair on its way, a complaint waiting for its
    return visit, and a closed one, so the inbox, "my work" and the register are not empty."""
    from frontdesk.workorders import services

    def step(order, person, action, fields=None):
        order.refresh_from_db(fields=["version"])
        return services.take_action(staff[person], order.id, action, version=order.version, fields=fields or {})

    residents = list(Customer.objects.filter(kind=Customer.Kind.PERSON).order_by("id")[:4])
    engineering = departments["engineering"].id

    def complaint(customer, description, room):
        return services.create_work_order(
            staff["frontdesk"],
            "complaint",
            customer_id=customer.id,
            fields={
                "caller_name": customer.name,
                "caller_phone": customer.contacts.first().value,
                "room": room,
                "description": description,
                "read_back": "confirmed",
            },
        )

    closed = complaint(residents[0], "楼上卫生间漏水，天花板滴水", "3-2-501")
    step(closed, "frontdesk", "dispatch", {"department": engineering})
    step(closed, "plumber", "accept")
    step(closed, "plumber", "report_result", {"result": "已更换楼上防水层", "signed_off_by": staff["engineer"].id})
    step(closed, "frontdesk", "verify", {"verification_note": "回单完整，部门负责人已签字"})
    step(
        closed,
        "visits",
        "return_visit",
        {"rating_quality": 5, "rating_timeliness": 4, "rating_attitude": 5},
    )
    step(closed, "frontdesk", "close")

    waiting_visit = complaint(residents[1], "电梯夜间运行噪音大，影响休息", "5-1-1202")
    step(waiting_visit, "frontdesk", "dispatch", {"department": engineering})
    step(waiting_visit, "plumber", "accept")
    step(waiting_visit, "plumber", "report_result", {"result": "已调整电梯导轨", "signed_off_by": staff["engineer"].id})
    step(waiting_visit, "frontdesk", "verify", {"verification_note": "已签字"})

    just_dispatched = complaint(residents[2], "地下车库照明损坏，夜间很暗", "2-3-302")
    step(just_dispatched, "frontdesk", "dispatch", {"department": engineering})

    repair = services.create_work_order(
        staff["frontdesk2"],
        "repair",
        customer_id=residents[3].id,
        fields={
            "caller_name": residents[3].name,
            "caller_phone": residents[3].contacts.first().value,
            "room": "6-2-801",
            "description": "厨房水龙头漏水",
            "read_back": "confirmed",
        },
    )
    step(repair, "frontdesk2", "dispatch", {"department": engineering})
    step(repair, "plumber", "accept")


# Hotel front desk (seed 000 第四篇): room types offered from high to low price, ~20 rooms.
# code, names (zh-hans, zh-hant, en), facilities, view, price per night, rooms per floor
HOTEL_ROOM_TYPES = [
    ("suite", "江景套房", "江景套房", "River-view suite", "客厅、浴缸、迷你吧、办公桌", "river", "888.00", {8: 2}),
    ("king", "大床房", "大床房", "King room", "1.8米大床、迷你吧、淋浴", "river", "455.00", {6: 4, 7: 4}),
    ("twin", "标准间", "標準間", "Twin room", "两张1.2米床、淋浴", "city", "368.00", {4: 5, 5: 5}),
]


def load_hotel_demo(admin, desk) -> None:
    """Room types with one rack rate each (free cancellation until 24 hours before arrival),
    then a day at the desk: a booking arriving today and one tomorrow, two guests in house
    (one from abroad) with their deposits, a minibar charge and a wake-up call."""
    from frontdesk.hotel import services as hotel

    for code, hans, hant, en, facilities, view, price, floors in HOTEL_ROOM_TYPES:
        room_type = hotel.create_room_type(
            admin, code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en, facilities=facilities, view=view
        )
        hotel.create_rate_plan(
            admin, room_type_id=room_type.id, code=f"{code}-rack", name="门市价", price=price, free_cancellation_hours=24
        )
        for floor, count in floors.items():
            taken = 0 if code != "suite" else 7  # suites are 808 and 809, at the river end
            for i in range(count):
                hotel.create_room(admin, number=f"{floor}{taken + i + 1:02d}", floor=floor, room_type_id=room_type.id)
    load_hotel_day_demo(desk)


def load_hotel_day_demo(desk) -> None:
    from frontdesk.hotel import policy
    from frontdesk.hotel import services as hotel
    from frontdesk.hotel.models import RatePlan, Room

    rate = {plan.room_type.code: plan.id for plan in RatePlan.objects.select_related("room_type")}
    today = clock.today()
    tomorrow = today + datetime.timedelta(days=1)
    hotel.book_reservation(
        desk, rate_plan_id=rate["king"], arrival_date=today, arrival_time=datetime.time(20, 0), nights=2, rooms=1,
        guest_name="陈志强", title="mr", phone="13602581234", special_requests="无烟房，要江景", guaranteed=True,
        source="returning",
    )
    hotel.book_reservation(
        desk, rate_plan_id=rate["twin"], arrival_date=tomorrow, arrival_time=datetime.time(15, 0), nights=1, rooms=2,
        guest_name="周婉清", title="ms", phone="13822334455", hold_until=policy.arrival_moment(tomorrow, datetime.time(18, 0)),
        source="website",
    )
    lin = hotel.check_in(
        desk, walk_in=hotel.WalkIn(rate_plan_id=rate["king"], nights=2, guest_name="林小红", title="ms", phone="13912345678"),
        room_id=Room.objects.get(number="601").id, id_type="resident_id", id_number="11010519491231002X",
        deposit_type="cash", deposit="1000.00",
    )
    hotel.post_charge(desk, lin.id, category="minibar", description="矿泉水 2瓶", amount="20.00")
    hotel.book_wakeup_call(desk, lin.id, time=datetime.time(7, 0), repeat_after_minutes=5)
    hotel.check_in(
        desk, walk_in=hotel.WalkIn(rate_plan_id=rate["twin"], nights=1, guest_name="John Smith", title="mr", phone="+1 415 555 0134"),
        room_id=Room.objects.get(number="401").id, id_type="passport", id_number="E12345678", nationality="US",
        deposit_type="card_preauth", deposit="800.00",
    )
