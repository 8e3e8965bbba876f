from django.urls import path

from frontdesk.handover import views

urlpatterns = [
    path("", views.handover_write, name="handover_write"),
    path("incoming/", views.handover_incoming, name="handover_incoming"),
    path("<int:handover_id>/acknowledge/", views.handover_acknowledge, name="handover_acknowledge"),
]
