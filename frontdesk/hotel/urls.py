from django.urls import path

from frontdesk.hotel import views

urlpatterns = [
    path("reservations/", views.reservation_list, name="hotel_reservations"),
    path("reservations/new/", views.reservation_new, name="hotel_reservation_new"),
    path("reservations/<int:reservation_id>/", views.reservation_detail, name="hotel_reservation"),
    path("reservations/<int:reservation_id>/cancel", views.reservation_cancel, name="hotel_reservation_cancel"),
    path("check-in/", views.check_in_find, name="hotel_check_in"),
    path("check-in/walk-in/", views.walk_in, name="hotel_walk_in"),
    path("check-in/<int:reservation_id>/", views.check_in, name="hotel_check_in_reservation"),
    path("stays/", views.stay_list, name="hotel_stays"),
    path("stays/<int:stay_id>/", views.stay_detail, name="hotel_stay"),
    path("stays/<int:stay_id>/charges", views.post_charge, name="hotel_stay_charge"),
    path("stays/<int:stay_id>/deposits", views.take_deposit, name="hotel_stay_deposit"),
    path("stays/<int:stay_id>/limit", views.raise_limit, name="hotel_stay_limit"),
    path("stays/<int:stay_id>/wakeup-calls", views.book_wakeup_call, name="hotel_stay_wakeup"),
    path("stays/<int:stay_id>/check-out", views.start_check_out, name="hotel_stay_check_out"),
    path("stays/<int:stay_id>/room-check", views.record_room_check, name="hotel_stay_room_check"),
    path("stays/<int:stay_id>/settle", views.settle, name="hotel_stay_settle"),
    path("stays/<int:stay_id>/refund", views.refund_balance, name="hotel_stay_refund"),
    path("stays/<int:stay_id>/deposit-slip", views.deposit_slip, name="hotel_deposit_slip"),
    path("stays/<int:stay_id>/bill", views.bill, name="hotel_bill"),
    path("wakeup-calls/", views.wakeup_calls, name="hotel_wakeup_calls"),
    path("wakeup-calls/<int:call_id>/done", views.wakeup_call_done, name="hotel_wakeup_call_done"),
    path("rooms/", views.room_board, name="hotel_rooms"),
    path("rooms/<int:room_id>/clean", views.room_clean, name="hotel_room_clean"),
    path("reports/", views.report_page, name="hotel_reports"),
    path("reports/guest-register.<str:file_format>", views.guest_register_export, name="hotel_guest_register"),
]
