"""Chinese resident identity numbers (居民身份证号码), GB 11643-1999.

18 characters: a 6-digit region code, the birth date YYYYMMDD, a 3-digit sequence and a check
character computed with ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; 10 is written X).
"""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from frontdesk.core import clock
from frontdesk.core.errors import InvalidInput

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def validate_resident_id(raw: str, field: str = "id_number") -> str:
    """Return the number upper-cased or raise InvalidInput with the reason in the user's language."""
    value = (raw or "").strip().upper()
    if not _SHAPE.match(value):
        raise InvalidInput(fields={field: [str(_("An ID number has 18 characters: 17 digits, then a digit or X."))]})
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > clock.today():
        raise InvalidInput(fields={field: [str(_("The birth date in this ID number is not a real date."))]})
    if check_character(value[:17]) != value[17]:
        raise InvalidInput(fields={field: [str(_("This ID number's check digit is wrong; please read it again."))]})
    return value


def mask_id_number(value: str) -> str:
    """Keep the region's first three digits and the last four: 110***********001X."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
