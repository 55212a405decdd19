"""The app on a seeded register at the frozen time, built by the factory the CLI uses."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from tests.conftest import make_context


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (Pilot needs one; no plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's app remembers its choices in a file of its own, never the user's."""
    path = tmp_path / "app-settings" / "app.toml"
    monkeypatch.setenv("BCT_RISK_APP_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's home folder is one of its own (no Documents folder in it), so a paper saved
    by a bare name never lands in the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def app_ctx(seeded_db_path: Path) -> Iterator[Context]:
    """The context the app works through (the seed register, 23 Nov 2026, acting as 'tester')."""
    context = make_context(seeded_db_path)
    yield context
    context.engine.dispose()


@pytest.fixture
def app(app_ctx: Context) -> RiskApp:
    """The app, its text cursors still, so screens are the same on every run."""
    return make_app(app_ctx, blink=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the app's database work has finished and its results are on screen."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys, letting the app finish its work after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type text into the focused field."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    await settle(pilot)


def screen_text(app: RiskApp) -> str:
    """The characters on screen now, line by line (what a user reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: RiskApp) -> list[str]:
    """The notifications the app is showing."""
    return [n.message for n in app._notifications]
