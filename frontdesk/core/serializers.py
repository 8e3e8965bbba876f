"""The JSON format of `frontdesk backup`: Django's own, except that times keep their
microseconds. DjangoJSONEncoder cuts them to milliseconds (ECMA-262 style), so a restored
database would not be identical to the one backed up."""

import datetime

from django.core.serializers.json import Deserializer  # noqa: F401  (the format's reader, unchanged)
from django.core.serializers.json import Serializer as DjangoJSONSerializer


def _full_precision(value):
    if isinstance(value, (datetime.datetime, datetime.time)):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


class Serializer(DjangoJSONSerializer):
    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        data["fields"] = {name: _full_precision(value) for name, value in data["fields"].items()}
        return data
