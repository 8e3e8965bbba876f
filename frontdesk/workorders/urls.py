from django.urls import path

from frontdesk.workorders import views

urlpatterns = [
    path("", views.my_work, name="workorder_mine"),
    path("inbox/", views.inbox, name="workorder_inbox"),
    path("register/", views.register, name="workorder_register"),
    path("register/export.<str:file_format>", views.register_export, name="workorder_register_export"),
    path("new/", views.service_type_list, name="workorder_new"),
    path("new/customers/", views.customer_search, name="workorder_customer_search"),
    path("new/customer/", views.customer_choice, name="workorder_customer_choice"),
    path("new/<slug:service_type>/", views.intake, name="workorder_intake"),
    path("<int:order_id>/", views.order_detail, name="workorder_detail"),
    path("<int:order_id>/actions/<slug:action>/", views.order_action, name="workorder_action"),
    path("<int:order_id>/attachments/", views.order_attach, name="workorder_attach"),
    path("<int:order_id>/print/", views.follow_up_record, name="workorder_print"),
]
