import logging
import socket

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def health(request):
    """Report whether the database runs a query, and which container handled the request.

    Returns 200 when `SELECT 1` succeeds and 503 when it fails, so that the
    container's healthcheck and nginx's callers see the database's state.
    """
    body = {"hostname": socket.gethostname()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database query failed: %s", error)
        # Drop the broken connection so that the next request opens a new one.
        connection.close()
        body.update(status="error", database="unreachable", error=type(error).__name__)
        return JsonResponse(body, status=503)
    body.update(status="ok", database="ok")
    return JsonResponse(body)
