import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from academics.limits import ChunkedBodies  # noqa: E402 (needs the settings configured above)

application = ChunkedBodies(django_application)
