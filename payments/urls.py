from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("invoices/<str:number>/pdf/", views.invoice_pdf_download, name="invoice_pdf"),
]
