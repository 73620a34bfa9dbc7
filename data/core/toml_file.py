"""Reading a regulation TOML file, with every failure named as the file, a key and the problem."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpdesk.data.core.errors import Code, RegulationError, os_code


def read_toml(path: str | Path) -> dict:
    source = str(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise RegulationError(source, None, os_code(exc), detail=exc.strerror or str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise RegulationError(source, None, Code.TOML_SYNTAX, detail=str(exc)) from None
