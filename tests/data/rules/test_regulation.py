from datetime import date

import pytest

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.rules.regulation import DEFAULT_PATH, load_regulation, regulation_path


def test_shipped_regulation_has_the_eight_products_and_nine_scope_categories(regulation):
    assert [p.name for p in regulation.products] == [
        "Fenix+", "Fenix+ 2", "Fenix+ 3", "Fenix+ Academy",
        "FireGuard 2", "FireGuard 3", "Fenix Server", "Fenix Server Academy",
    ]  # fmt: skip
    ended = {p.name: p.support_ends for p in regulation.products if p.support_ends}
    assert ended == {"Fenix+": date(2021, 12, 31), "Fenix+ 2": date(2021, 12, 31)}
    assert [c.in_scope for c in regulation.scope].count(True) == 6
    assert [c.in_scope for c in regulation.scope].count(False) == 3
    assert all(c.ru and c.en for c in regulation.scope)
    assert str(regulation.timezone) == "Europe/Moscow"
    assert regulation.channels == ("email", "portal", "telegram", "phone", "visit")
    assert regulation.by_agent == ("phone", "visit")
    assert regulation.product("fenix SERVER").name == "Fenix Server"


def test_environment_variable_chooses_another_file(monkeypatch, tmp_path):
    other = tmp_path / "vendor.toml"
    monkeypatch.setenv("HELPDESK_REGULATION", str(other))
    assert regulation_path() == other
    monkeypatch.delenv("HELPDESK_REGULATION")
    assert regulation_path() == DEFAULT_PATH


def write_variant(tmp_path, old: str, new: str):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, key, code",
    [
        ('timezone = "Europe/Moscow"', 'timezone = "Mars/Olympus"', "support.timezone", Code.SETTING_TIMEZONE_UNKNOWN),
        ("support_ends = 2021-12-31", 'support_ends = "soon"', "products[0].support_ends", Code.SETTING_NOT_DATE),
        ('monday = ["09:00", "18:00"]', 'monday = ["09:00", "25:00"]', "hours.monday[1]", Code.HOURS_NOT_TIME),
        ("in_scope = false", 'in_scope = "no"', "in_scope", Code.SETTING_NOT_BOOLEAN),
        ("first_response_hours = 8", "first_response_hours = -1", "targets.normal.first_response_hours",
         Code.SETTING_NOT_POSITIVE_HOURS),
        ('[support]', '[support\n', None, Code.TOML_SYNTAX),
        ('by_agent = ["phone", "visit"]', 'by_agent = ["phone", "fax"]', "support.by_agent", Code.SETTING_NOT_ONE_OF),
        ('by_agent = ["phone", "visit"]', 'by_agent = "phone"', "support.by_agent", Code.SETTING_NOT_STRING_LIST),
    ],
)  # fmt: skip
def test_bad_file_names_the_file_the_key_and_the_problem(tmp_path, old, new, key, code):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(RegulationError) as error:
        load_regulation(path)
    assert error.value.source == str(path) and error.value.where.startswith(str(path))
    assert error.value.key is None if key is None else key in error.value.key
    assert error.value.code is code


def test_missing_file_is_a_clear_error(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(RegulationError) as error:
        load_regulation(path)
    assert (error.value.where, error.value.key, error.value.code) == (str(path), None, Code.PATH_MISSING)


def test_a_regulation_without_by_agent_has_no_channel_typed_in_by_hand(tmp_path):
    path = write_variant(tmp_path, 'by_agent = ["phone", "visit"]\n', "")
    assert load_regulation(path).by_agent == ()
