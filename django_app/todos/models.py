from django.db import models

TITLE_MAX_LENGTH = 200


class Todo(models.Model):
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Newest first; the id breaks ties between todos created in the same microsecond.
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "done": self.done,
            "created_at": self.created_at.isoformat(),
        }
