from ninja import Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError


class StrictIn(Schema):
    """Input schemas refuse fields they do not know, so a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def refuse_null_characters(cls, value):
        # PostgreSQL cannot store NUL in text and no person types one: refuse it on every backend.
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("null_character", "null character")
        return value


class PageQuery(StrictIn):
    cursor: str | None = None
    limit: int = 50


def page_limit(limit: int) -> int:
    from frontdesk.core.errors import field_error
    from django.utils.translation import gettext as _

    if not 1 <= limit <= 200:
        raise field_error("limit", _("Ensure this value is between 1 and 200."))
    return limit


def given_fields(payload: Schema) -> dict:
    """The fields a PATCH request set to a value; a field left out or sent as null stays as it is.
    Only the top level is sparse: a nested record sent in full keeps its defaults."""
    values = payload.dict()
    return {key: values[key] for key in payload.model_fields_set if values[key] is not None}
