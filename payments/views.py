from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from payments.invoice_pdf import invoice_pdf
from payments.invoicing import PDF_MIMETYPE, invoice_filename, invoices_for_customer


@login_required
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's invoice as a PDF, in their page's language; anyone else's is a 404."""
    invoice = get_object_or_404(
        invoices_for_customer(request.user).select_related("booking__service", "booking__customer"),
        number=number,
    )
    response = HttpResponse(invoice_pdf(invoice), content_type=PDF_MIMETYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=invoice_filename(invoice)
    )
    response["Cache-Control"] = "private, no-store"
    return response
