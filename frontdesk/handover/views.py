"""Shift-handover pages: the outgoing person's page (the open orders they touched, listed by
themselves with their running time limits, and the note to write) and the incoming shift's
page (handovers waiting to be acknowledged). Everything goes through handover.services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.models import Department
from frontdesk.core import clock
from frontdesk.core.errors import InvalidInput, StaleVersion
from frontdesk.core.pagination import keyset_page
from frontdesk.core.views import add_service_error, more_url, service_page
from frontdesk.handover import presenters, services
from frontdesk.handover.forms import HandoverForm

RECENT = 5  # of one's own handovers shown under the form


@login_required
@service_page
def handover_write(request):
    actor = request.user
    departments = list(Department.objects.filter(id__in=actor.own_department_ids, is_active=True))
    form = HandoverForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.write_handover(actor, form.cleaned_data["text"], form.cleaned_data.get("department"))
            except InvalidInput as exc:
                add_service_error(form, exc, {"department_id": "department"})
                status = exc.status
            else:
                messages.success(request, _("Handover written; the next shift will see it."))
                return redirect("handover_write")
        else:
            status = 422
    now = clock.now()
    context = {
        "now": now,
        "form": form,
        "may_write": services.may_write(actor),
        "orders": [presenters.order_item(item, now) for item in services.orders_to_hand_over(actor)],
        "mine": [presenters.handover(h, actor, now) for h in services.my_handovers(actor)[:RECENT]],
        "pending_count": services.pending_handovers(actor).count(),
    }
    return render(request, "handover/write.html", context, status=status)


@login_required
@service_page
def handover_incoming(request):
    actor = request.user
    rows, next_cursor = keyset_page(
        services.pending_handovers(actor), request.GET.get("cursor"), settings.FRONTDESK_PAGE_SIZE
    )
    now = clock.now()
    context = {
        "now": now,
        "handovers": [presenters.handover(h, actor, now) for h in rows],
        "more_url": more_url(next_cursor),
    }
    return render(request, "handover/incoming.html", context)


@login_required
@require_POST
@service_page
def handover_acknowledge(request, handover_id: int):
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0  # refused below as stale, with the message that says to reload
    try:
        handover = services.acknowledge_handover(request.user, handover_id, version)
    except (StaleVersion, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        name = handover.outgoing.full_name or handover.outgoing.username
        messages.success(request, _("You acknowledged the handover of %(name)s.") % {"name": name})
    return redirect("handover_incoming")
