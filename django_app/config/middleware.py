import logging
import socket

from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse

HOSTNAME = socket.gethostname()

logger = logging.getLogger(__name__)


class BackendHostnameMiddleware:
    """Add the container's hostname to every response as X-Backend-Hostname.

    Behind nginx with several backend replicas, the header shows which one
    handled a request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Backend-Hostname"] = HOSTNAME
        return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection during an API request into a JSON 503.

    The database may be restarting, so a 503 lets the client try again,
    where an unhandled error would be a 500. Other database errors stay 500s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, (OperationalError, InterfaceError)) and request.path.startswith("/api/")):
            return None
        logger.warning("%s %s failed, the database is unavailable: %s", request.method, request.path, exception)
        # Drop the broken connection so that the next request opens a new one.
        connection.close()
        return JsonResponse(
            {"error": "The database is unavailable. Try again in a moment."}, status=503
        )
