from django.contrib import admin
from django.urls import path

from health.views import health
from todos.views import TodoDetailView, TodoListView

urlpatterns = [
    path("api/health/", health, name="health"),
    path("api/todos/", TodoListView.as_view(), name="todo-list"),
    path("api/todos/<str:todo_id>/", TodoDetailView.as_view(), name="todo-detail"),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
