from django.urls import path

from frontdesk.hotel import views

urlpatterns = [
    path("stays/<int:stay_id>/deposit-slip", views.deposit_slip, name="hotel_deposit_slip"),
    path("stays/<int:stay_id>/bill", views.bill, name="hotel_bill"),
]
