from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.inbox import inbox_texts
from notifications.models import Notification
from notifications.services import notification_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_recipient(request.user)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    inbox_texts(page.object_list)
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_recipient(request.user), pk=pk)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    notification.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/inbox.html#item", {"notification": notification})
    target = notification.context.get("url", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("notifications:inbox")
