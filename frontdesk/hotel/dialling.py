"""Country calling codes and Chinese area codes for the switchboard (seed 三: 国家代码, 地区区号),
worked out from the `phonenumbers` package's own data rather than typed in, so they follow
the package's updates: a country's code from its region metadata and its name from the
geocoder; a Chinese area code is a geocoder prefix of +86 that `phonenumbers` itself accepts
as a fixed-line area code of that length."""

from dataclasses import dataclass
from functools import lru_cache

import opencc
import phonenumbers
from phonenumbers import PhoneNumberType, geocoder
from phonenumbers.geodata import GEOCODE_DATA
from django.utils import translation

from frontdesk.core.text import search_key

_s2t = opencc.OpenCC("s2t")
CHINA = "86"
# Subscriber numbers to complete an area code into a whole number phonenumbers can judge:
# eight digits after a two-digit area code (010 6552 9988), seven or eight after a three-digit one.
_SUBSCRIBERS = ("65529988", "6552998")


@dataclass(frozen=True)
class DiallingCode:
    kind: str  # "country" or "area"
    code: str  # "+81" or "0755": what the guest dials
    region: str  # ISO region ("JP"; "CN" for an area code)
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        language = (translation.get_language() or "zh-hans").lower()
        if language.startswith("en"):
            return self.name_en or self.name_zh
        if language in ("zh-hant", "zh-tw", "zh-hk"):
            return _s2t.convert(self.name_zh)
        return self.name_zh or self.name_en

    @property
    def key(self) -> str:
        return search_key(f"{self.name_zh} {self.name_en} {self.region} {self.code}")


def _countries() -> list[DiallingCode]:
    codes = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        name_zh = geocoder.country_name_for_number(example, "zh")
        name_en = geocoder.country_name_for_number(example, "en")
        if name_zh or name_en:
            codes.append(DiallingCode("country", f"+{phonenumbers.country_code_for_region(region)}", region, name_zh, name_en))
    return codes


def _area_code(area: str) -> bool:
    for subscriber in _SUBSCRIBERS:
        number = phonenumbers.parse(f"+{CHINA}{area}{subscriber}")
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) == PhoneNumberType.FIXED_LINE
            and phonenumbers.length_of_geographical_area_code(number) == len(area)
        ):
            return True
    return False


def _chinese_areas() -> list[DiallingCode]:
    codes = []
    for prefix, names in GEOCODE_DATA.items():
        area = prefix[len(CHINA):]
        # Area codes have two or three digits; longer prefixes are mobile number blocks.
        if prefix.startswith(CHINA) and 2 <= len(area) <= 3 and _area_code(area):
            codes.append(DiallingCode("area", f"0{area}", "CN", names.get("zh", ""), names.get("en", "")))
    return sorted(codes, key=lambda c: c.code)


@lru_cache(maxsize=1)
def all_codes() -> tuple[DiallingCode, ...]:
    """Built once per process (about a tenth of a second)."""
    return tuple(_countries() + _chinese_areas())


def look_up(q: str, limit: int = 50) -> list[DiallingCode]:
    """Countries and Chinese cities whose name (Simplified, Traditional, English), region or code
    contains the query: 美国 → +1, 日本 → +81, 深圳 → 0755, 0755 → 深圳."""
    key = search_key(q).lstrip("+")
    if not key:
        return []
    found = [code for code in all_codes() if key in code.key]
    # A code typed in full comes first: "+81" is Japan before Serbia's +381.
    found.sort(key=lambda code: code.code.lstrip("+") != key)
    return found[:limit]


def country_choices() -> list[tuple[str, str]]:
    """(region code, name in the active language) of every country the phonenumbers data
    names, China first: the nationality of a guest."""
    names = {code.region: code.name for code in all_codes() if code.kind == "country"}
    return sorted(names.items(), key=lambda item: (item[0] != "CN", item[1]))


def is_country(region: str) -> bool:
    return any(code.kind == "country" and code.region == region for code in all_codes())
