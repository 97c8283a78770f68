"""Check the JSON body of a create or update request against the todo's fields."""

from __future__ import annotations

import json

from .models import TITLE_MAX_LENGTH

FIELDS = {"title", "done"}


class ValidationFailed(Exception):
    """The request body is invalid; errors maps each field (or "body") to its problems."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def parse_body(raw: bytes) -> dict:
    """Decode a request body that must be one JSON object."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationFailed({"body": ["The body is not valid UTF-8."]}) from None
    except json.JSONDecodeError as error:
        raise ValidationFailed({"body": [f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."]}) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": [f"The body must be a JSON object, not {type(data).__name__}."]})
    return data


def clean_todo(data: dict, partial: bool) -> dict:
    """Return the validated fields of data; raise ValidationFailed listing every problem.

    partial is True for an update, where each field is optional but at least
    one must be given.
    """
    errors: dict[str, list[str]] = {}
    cleaned = {}

    for name in sorted(set(data) - FIELDS):
        errors[name] = ["Unknown field. The fields are: done, title."]

    if "title" in data:
        title = data["title"]
        if not isinstance(title, str):
            errors["title"] = [f"Must be a string, not {json_type(title)}."]
        elif not title.strip():
            errors["title"] = ["Must not be blank."]
        elif len(title.strip()) > TITLE_MAX_LENGTH:
            errors["title"] = [f"Must be at most {TITLE_MAX_LENGTH} characters; it has {len(title.strip())}."]
        else:
            cleaned["title"] = title.strip()
    elif not partial:
        errors["title"] = ["This field is required."]

    if "done" in data:
        done = data["done"]
        if not isinstance(done, bool):
            errors["done"] = [f"Must be true or false, not {json_type(done)}."]
        else:
            cleaned["done"] = done

    if partial and not errors and not cleaned:
        errors["body"] = ["Give at least one of the fields done and title."]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def json_type(value) -> str:
    """Name a decoded JSON value's type as JSON calls it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
