"""The install layout (pyproject's [tool.setuptools]): one import package, helpdesk, with every package folder in it.

Read from pyproject.toml rather than from a built wheel: building one takes seconds and the
package index, and setuptools installs exactly the listed packages from the mapped folders.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

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
