FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 1000 mila
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/lock.txt

COPY . .
# Static files are collected as production serves them: hashed names, a manifest, .gz copies
# (development mode links to the unhashed copies, which are there too). collectstatic only
# reads settings, so the production settings get placeholders it never uses.
# /srv/static is where the release step copies them for the proxy (docker-compose.yml).
RUN mkdir -p var /srv/static \
    && for po in locale/*/LC_MESSAGES/*.po; do \
         lang=$(echo "$po" | cut -d/ -f2); \
         pybabel compile -D "$(basename "$po" .po)" -i "$po" -o "${po%.po}.mo" -l "$lang"; \
       done \
    && DJANGO_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
       DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --noinput \
    && chown -R mila:mila var /srv/static
USER mila

EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "mila.wsgi:application"]
