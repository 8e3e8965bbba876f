"""The read-back step of a form (复述确认): what the person typed is shown back to be read to
the caller, and carried unchanged by hidden inputs to "confirm" or "back to edit". Shared by the
work-order intake and the hotel's reservation and wake-up forms."""


def typed_values(form) -> dict:
    """What was typed into a bound form, by field name (without the prefix)."""
    if not form.is_bound:
        return {}
    return {name: form.data.get(form.add_prefix(name), "") for name in form.fields}


def hidden_inputs(form) -> list[tuple[str, str]]:
    """(input name, value) pairs carrying every typed value back unchanged."""
    return [(form.add_prefix(name), value) for name, value in typed_values(form).items()]
