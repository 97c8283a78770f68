"""Error responses: JSON under /api/, Django's usual pages elsewhere (the admin)."""

from django.http import JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as default_csrf_failure


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if is_api(request):
        return JsonResponse({"error": f"Bad request: {exception}"}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    if is_api(request):
        return JsonResponse({"error": f"No API endpoint at {request.path}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"error": "Internal server error. The backend's log has the details."}, status=500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    if is_api(request):
        if reason.startswith("Origin checking failed"):
            advice = (
                "Send the request from a page on the same origin as the API (through nginx), or add "
                "the page's origin to WORKSHOP_CSRF_TRUSTED_ORIGINS and run invoke up."
            )
        else:
            advice = "Send the csrftoken cookie's value in the X-CSRFToken header, from a page on the same origin."
        return JsonResponse({"error": f"CSRF check failed: {reason} {advice}"}, status=403)
    return default_csrf_failure(request, reason)
