"""The install layout (pyproject's [tool.setuptools]): one import package, helpdesk, with every
package folder in it; and requirements.lock in step with pyproject's dependencies.

Read from pyproject.toml rather than from a built wheel: building one takes seconds and the
package index, and setuptools installs exactly the listed packages from the mapped folders.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def setuptools_config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["setuptools"]


def test_every_package_folder_is_listed():
    config = setuptools_config()
    found = {
        ".".join((name, *init.parent.relative_to(ROOT / folder).parts))
        for name, folder in config["package-dir"].items()
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert sorted(config["packages"]) == sorted(found)


def test_nothing_but_helpdesk_lands_in_site_packages():
    config = setuptools_config()
    # A package outside the mapped folders would install from the repository root under its own name.
    assert all(any(p == top or p.startswith(top + ".") for top in config["package-dir"]) for p in config["packages"])
    assert {name.split(".")[0] for name in (*config["packages"], *config["package-dir"])} == {"helpdesk"}


def test_the_lock_pins_every_dependency_within_its_range():
    """requirements.lock is refreshed after pyproject.toml changes (README: the uv command)."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split(";")[0].strip().split("==")
            pins[canonicalize_name(name)] = version
    wanted = [Requirement(text) for text in (*project["dependencies"], *project["optional-dependencies"]["test"])]
    unpinned = [str(r) for r in wanted if canonicalize_name(r.name) not in pins]
    outside = [f"{r} (locked {pins[canonicalize_name(r.name)]})" for r in wanted
               if canonicalize_name(r.name) in pins and not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)]
    assert unpinned == [] and outside == [], f"refresh requirements.lock: missing {unpinned}, outside the range {outside}"
