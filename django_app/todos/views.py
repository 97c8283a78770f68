"""The todo JSON API: /api/todos/ (list, create) and /api/todos/<id>/ (read, update, delete)."""

from __future__ import annotations

import logging
import re

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import ensure_csrf_cookie

from .models import Todo
from .validation import ValidationFailed, clean_todo, parse_body

logger = logging.getLogger(__name__)

# Ids are positive and fit MySQL's signed BIGINT.
ID_PATTERN = re.compile(r"[1-9][0-9]{0,18}")
MAX_ID = 2**63 - 1


class JsonView(View):
    """A view whose every response, errors included, is JSON."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        allowed = ", ".join(self._allowed_methods())
        response = JsonResponse(
            {"error": f"Method {request.method} is not allowed here. Allowed: {allowed}."}, status=405
        )
        response["Allow"] = allowed
        return response

    def invalid(self, error: ValidationFailed) -> JsonResponse:
        logger.info("Rejected %s %s: %s", self.request.method, self.request.path, error.errors)
        return JsonResponse({"errors": error.errors}, status=400)


# The single-page app reads the CSRF token from the csrftoken cookie, which
# Django sets on this list request, and sends it back in X-CSRFToken.
@method_decorator(ensure_csrf_cookie, name="dispatch")
class TodoListView(JsonView):
    http_method_names = ["get", "post", "options"]

    def get(self, request):
        return JsonResponse({"todos": [todo.as_json() for todo in Todo.objects.all()]})

    def post(self, request):
        try:
            fields = clean_todo(parse_body(request.body), partial=False)
        except ValidationFailed as error:
            return self.invalid(error)
        todo = Todo.objects.create(**fields)
        return JsonResponse(todo.as_json(), status=201)


class TodoDetailView(JsonView):
    http_method_names = ["get", "patch", "delete", "options"]

    def dispatch(self, request, todo_id: str):
        if not ID_PATTERN.fullmatch(todo_id) or int(todo_id) > MAX_ID:
            return not_found(todo_id)
        try:
            self.todo = Todo.objects.get(pk=int(todo_id))
        except Todo.DoesNotExist:
            return not_found(todo_id)
        return super().dispatch(request)

    def get(self, request):
        return JsonResponse(self.todo.as_json())

    def patch(self, request):
        try:
            fields = clean_todo(parse_body(request.body), partial=True)
        except ValidationFailed as error:
            return self.invalid(error)
        for name, value in fields.items():
            setattr(self.todo, name, value)
        self.todo.save(update_fields=list(fields))
        return JsonResponse(self.todo.as_json())

    def delete(self, request):
        self.todo.delete()
        return HttpResponse(status=204)


def not_found(todo_id: str) -> JsonResponse:
    return JsonResponse({"error": f"No todo has the id {todo_id!r}."}, status=404)
