"""Reading a regulation TOML file, with every failure named as the file, a key and the problem."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpdesk.data.core.errors import RegulationError


def read_toml(path: str | Path) -> dict:
    source = str(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise RegulationError(source, "(file)", "no such file") from None
    except OSError as exc:
        raise RegulationError(source, "(file)", exc.strerror or str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise RegulationError(source, "(syntax)", str(exc)) from None
