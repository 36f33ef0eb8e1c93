"""The helper's job page (work in progress in this session)."""

from django.http import Http404, HttpRequest, HttpResponse


def job(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404


on_my_way = start = complete = no_show = withdraw = job
