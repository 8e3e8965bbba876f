"""zh-hans and zh-hant are complete, their compiled catalogues are current, and placeholders
survive translation (a lost %(name)s would crash a page at run time)."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "frontdesk" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant", "en"])
def test_catalogue_exists_and_is_compiled_from_its_source(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, f"{language}: run scripts/i18n.py --compile-only"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_string_is_translated(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert not missing, f"{language} lacks {len(missing)} translations, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_placeholders_survive_translation(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


def test_traditional_catalogue_is_traditional():
    with translation.override("zh-hant"):
        assert translation.gettext("Customer archive") == "客戶檔案"
    with translation.override("zh-hans"):
        assert translation.gettext("Customer archive") == "客户档案"


@pytest.mark.parametrize(
    "language, message, field_message",
    [
        ("zh-hans", "请更正以下错误。", "未知字段。"),
        ("zh-hant", "請更正以下錯誤。", "未知字段。"),
        ("en", "Please correct the errors below.", "Unknown field."),
    ],
)
def test_api_errors_speak_the_request_language(people, api, language, message, field_message):
    response = api(people.rep, language=language).post(
        "/api/v1/customers", {"name": "王五", "colour": "red"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": message, "fields": {"colour": [field_message]}}


def test_default_language_is_simplified_chinese(people, api):
    response = api(people.rep).get("/api/v1/customers", {"cursor": "nonsense"})
    assert response.json()["message"] == "请更正以下错误。"


def test_pages_speak_simplified_chinese_to_an_english_browser_until_the_switch_is_used(people):
    from django.conf import settings
    from django.test import Client

    browser = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    browser.force_login(people.rep)
    page = browser.get("/customers/").content.decode()
    assert '<html lang="zh-hans"' in page and "客户档案" in page
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = browser.get("/customers/").content.decode()
    assert '<html lang="en"' in page and "Customer archive" in page
