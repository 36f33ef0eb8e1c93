"""The Celery application. Configuration comes from ``CELERY_*`` in mila/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")

app = Celery("mila")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
