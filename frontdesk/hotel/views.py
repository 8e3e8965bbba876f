"""Printable pages of the hotel desk: the deposit slip handed over at check-in (seed 二.5) and
the bill the guest signs at check-out (四.4). Everything is read through hotel.services and
shown through hotel.presenters, so the masking is the API's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from frontdesk.core import clock
from frontdesk.core.views import service_page
from frontdesk.hotel import presenters, services


def _context(request, stay_id: int) -> dict:
    stay = services.get_stay(request.user, stay_id)
    return {"stay": presenters.stay(stay, request.user), "printed_at": clock.now()}


@login_required
@service_page
def deposit_slip(request, stay_id: int):
    return render(request, "hotel/deposit_slip.html", _context(request, stay_id))


@login_required
@service_page
def bill(request, stay_id: int):
    return render(request, "hotel/bill.html", _context(request, stay_id))
