FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 1000 mila
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/lock.txt

COPY . .
RUN mkdir -p var \
    && for po in locale/*/LC_MESSAGES/django.po; do \
         lang=$(echo "$po" | cut -d/ -f2); \
         pybabel compile -D django -i "$po" -o "${po%.po}.mo" -l "$lang"; \
       done \
    && DJANGO_ENV=development python manage.py collectstatic --noinput \
    && chown -R mila:mila var
USER mila

EXPOSE 8000
CMD ["gunicorn", "mila.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
