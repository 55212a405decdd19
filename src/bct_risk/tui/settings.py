"""What the app remembers for each user between runs: the theme, the register's sort and the
columns hidden, the folder a paper was last saved in, and keys remapped by the user. Kept as a
small TOML file in the platform's config folder (``~/.config/bct-risk/app.toml`` on Linux), or
where ``BCT_RISK_APP_CONFIG`` says. A search is not remembered.

The file may be edited by hand; ``[keys]`` maps an action's binding id to the keys that run it::

    theme = "textual-light"
    sort_column = "current"
    sort_descending = true
    hidden_columns = ["inherent"]
    paper_folder = "/home/me/Documents/Committee papers"

    [keys]
    "bct-risk.show_tracker" = "ctrl+t"
    "bct-risk.paper" = "p,ctrl+p"

A file that cannot be read is left alone and the app starts with its defaults, saying so.
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV = "BCT_RISK_APP_CONFIG"
"""The environment variable naming another settings file (the tests use one of their own)."""


def settings_path() -> Path:
    """Where the settings are kept."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_config_path

    return user_config_path("bct-risk", appauthor=False) / "app.toml"


@dataclass(frozen=True)
class AppSettings:
    """The remembered choices of one user."""

    theme: str = ""
    """The theme chosen last (blank: the app's default)."""
    sort_column: str = "reference"
    sort_descending: bool = False
    hidden_columns: tuple[str, ...] = ()
    """Register columns the user hid."""
    paper_folder: str = ""
    """The folder a paper was last saved in (blank: none yet)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, as Textual's keymap takes them."""
    problem: str = ""
    """Why the file could not be read, if it could not (the defaults are used)."""


def load_settings(path: Path | None = None) -> AppSettings:
    """The settings in the file, or the defaults (with ``problem`` set when it is unreadable)."""
    path = path or settings_path()
    if not path.is_file():
        return AppSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        keys = data.get("keys", {})
        hidden = data.get("hidden_columns", [])
        settings = AppSettings(
            theme=str(data.get("theme", "")),
            sort_column=str(data.get("sort_column", "reference")),
            sort_descending=bool(data.get("sort_descending", False)),
            hidden_columns=tuple(str(h) for h in hidden) if isinstance(hidden, list) else (),
            paper_folder=str(data.get("paper_folder", "")),
            keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return AppSettings(problem=f"the settings file {path} could not be read: {exc}")
    return settings


def _toml(value: object) -> str:
    # JSON's strings, booleans and lists of strings are TOML's too.
    return json.dumps(value, ensure_ascii=False)


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    """Write the settings (a temporary file renamed into place, so a crash leaves the old)."""
    path = path or settings_path()
    lines = [
        "# bct-risk app settings: remembered as you use the app; [keys] remaps keys.",
        f"theme = {_toml(settings.theme)}",
        f"sort_column = {_toml(settings.sort_column)}",
        f"sort_descending = {_toml(settings.sort_descending)}",
        f"hidden_columns = {_toml(list(settings.hidden_columns))}",
        f"paper_folder = {_toml(settings.paper_folder)}",
        "",
        "[keys]",
        *(f"{_toml(k)} = {_toml(v)}" for k, v in sorted(settings.keys.items())),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(path)


def changed(settings: AppSettings, **values: object) -> AppSettings:
    """The settings with these values changed, saved; where they cannot be saved (a read-only
    home), the app carries on with them for this run."""
    new = replace(settings, **values)  # type: ignore[arg-type]
    if settings.problem:
        return new  # the user's file is theirs to mend: not written over
    with contextlib.suppress(OSError):
        save_settings(new)
    return new


def papers_folder(settings: AppSettings) -> Path:
    """Where a paper is saved unless the user names another folder: the folder used last, else
    the user's documents folder (platformdirs; ``~/Documents``), else their home. Only a folder
    that exists is offered: none is made for the user."""
    if settings.paper_folder:
        last = Path(settings.paper_folder).expanduser()
        if last.is_dir():
            return last
    from platformdirs import user_documents_path

    home = Path.home()
    for folder in (user_documents_path(), home / "Documents"):
        if folder.is_dir():
            return folder
    return home
