"""The command palette: every action of the app and of the current screen, from one definition."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from bct_risk.tui.actions import APP_ACTIONS, UserAction


def actions_of(screen: Screen[object]) -> Iterable[tuple[UserAction, bool]]:
    """(action, belongs to the app) for the app and the given screen."""
    for action in getattr(screen, "ACTIONS", ()):
        yield action, False
    for action in APP_ACTIONS:
        yield action, True


class ActionCommands(Provider):
    """Offers each user action by its help text, and runs it where its key would."""

    async def discover(self) -> Hits:
        for action, on_app in actions_of(self.screen):
            yield DiscoveryHit(
                action.help, partial(self._run, action, on_app), help=f"key {action.key_display}"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, on_app in actions_of(self.screen):
            score = matcher.match(action.help)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.help),
                    partial(self._run, action, on_app),
                    help=f"key {action.key_display}",
                )

    async def _run(self, action: UserAction, on_app: bool) -> None:
        target = self.app if on_app else self.screen
        if not await self.app.run_action(action.name, target):
            from bct_risk.tui.offered import explain_action

            explain_action(target, action.name)  # a change the acting person may not make
