"""Roles (SPEC C10) and what each may do: the one table every permission check reads.

A staff member holds a role in a department (a Membership). What they may do is the union of
their roles' capabilities; which departments' records they see is either all of them (roles
with ``sees_all_departments``) or the departments they belong to.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REPRESENTATIVE = "representative", _("Front-desk representative")
    SPECIALIST = "specialist", _("Customer-service specialist")
    SUPERVISOR = "supervisor", _("Supervisor")
    CS_MANAGER = "cs_manager", _("Customer-service manager")
    GENERAL_MANAGER = "general_manager", _("General manager")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    DEPARTMENT_WORKER = "department_worker", _("Department worker")
    RETURN_VISIT_SPECIALIST = "return_visit_specialist", _("Return-visit specialist")
    QA_INSPECTOR = "qa_inspector", _("QA inspector")
    DATA_ANALYST = "data_analyst", _("Data analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(models.TextChoices):
    VIEW_CUSTOMERS = "customers.view", _("View the customer archive")
    EDIT_CUSTOMERS = "customers.edit", _("Create and edit customers")
    MERGE_CUSTOMERS = "customers.merge", _("Merge duplicate customers")
    DELETE_CUSTOMERS = "customers.delete", _("Delete customers")
    SEE_FULL_CONTACTS = "customers.full_contacts", _("See full phone numbers")
    SEE_ID_NUMBERS = "customers.id_numbers", _("See full ID numbers")
    VIEW_STAFF = "staff.view", _("View staff and departments")
    MANAGE_STAFF = "staff.manage", _("Manage staff, roles and departments")
    MANAGE_SHIFTS = "shifts.manage", _("Manage shifts and duty rosters")
    VIEW_AUDIT = "audit.view", _("View the audit log")
    USE_API_TOKENS = "tokens.own", _("Create API tokens for oneself")
    VIEW_HOTEL = "hotel.view", _("View hotel rooms, reservations and stays")
    WORK_HOTEL_DESK = "hotel.desk", _("Take reservations, check guests in and out, post charges")
    RAISE_FOLIO_LIMIT = "hotel.raise_limit", _("Raise a guest account's spending limit")
    SET_UP_HOTEL = "hotel.setup", _("Set up room types, rooms and rates")


C = Capability
_FRONT_OFFICE = {C.VIEW_CUSTOMERS, C.EDIT_CUSTOMERS, C.SEE_FULL_CONTACTS, C.VIEW_STAFF, C.USE_API_TOKENS}
# The hotel front desk (seed 000 第四篇): the receptionist is the front-desk representative;
# raising a guest account's limit is a supervisor's decision (seed 二.7).
_HOTEL_DESK = {C.VIEW_HOTEL, C.WORK_HOTEL_DESK}
_HOTEL_MANAGEMENT = _HOTEL_DESK | {C.RAISE_FOLIO_LIMIT, C.SET_UP_HOTEL}

CAPABILITIES: dict[str, frozenset[str]] = {
    # Front-desk staff call customers back, so they see whole phone numbers; ID numbers stay
    # masked to everyone below a manager.
    Role.REPRESENTATIVE: frozenset(_FRONT_OFFICE | _HOTEL_DESK),
    Role.SPECIALIST: frozenset(_FRONT_OFFICE | _HOTEL_DESK),
    Role.RETURN_VISIT_SPECIALIST: frozenset(_FRONT_OFFICE - {C.EDIT_CUSTOMERS} | {C.VIEW_HOTEL}),
    Role.SUPERVISOR: frozenset(_FRONT_OFFICE | {C.MERGE_CUSTOMERS, C.MANAGE_SHIFTS, C.RAISE_FOLIO_LIMIT} | _HOTEL_DESK),
    Role.CS_MANAGER: frozenset(
        _FRONT_OFFICE
        | {C.MERGE_CUSTOMERS, C.SEE_ID_NUMBERS, C.MANAGE_SHIFTS, C.MANAGE_STAFF, C.VIEW_AUDIT}
        | _HOTEL_MANAGEMENT
    ),
    Role.GENERAL_MANAGER: frozenset(
        _FRONT_OFFICE
        | {C.MERGE_CUSTOMERS, C.SEE_ID_NUMBERS, C.MANAGE_SHIFTS, C.MANAGE_STAFF, C.VIEW_AUDIT}
        | _HOTEL_MANAGEMENT
    ),
    Role.DEPARTMENT_HEAD: frozenset({C.VIEW_STAFF, C.MANAGE_SHIFTS, C.USE_API_TOKENS}),
    Role.DEPARTMENT_WORKER: frozenset({C.VIEW_STAFF}),
    # Inspectors and analysts read everything but change nothing; contacts stay masked.
    Role.QA_INSPECTOR: frozenset({C.VIEW_CUSTOMERS, C.VIEW_STAFF, C.VIEW_AUDIT, C.USE_API_TOKENS, C.VIEW_HOTEL}),
    Role.DATA_ANALYST: frozenset({C.VIEW_CUSTOMERS, C.VIEW_STAFF, C.USE_API_TOKENS, C.VIEW_HOTEL}),
    Role.ADMINISTRATOR: frozenset(Capability.values),
}

# Roles whose holders see every department's records; everyone else sees their own departments'.
SEES_ALL_DEPARTMENTS = frozenset(
    {
        Role.REPRESENTATIVE,
        Role.SPECIALIST,
        Role.SUPERVISOR,
        Role.CS_MANAGER,
        Role.GENERAL_MANAGER,
        Role.RETURN_VISIT_SPECIALIST,
        Role.QA_INSPECTOR,
        Role.DATA_ANALYST,
        Role.ADMINISTRATOR,
    }
)

assert set(CAPABILITIES) == set(Role.values), "every role needs a row in CAPABILITIES"
