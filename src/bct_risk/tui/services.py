"""Running service calls off the UI thread, and the one place their errors reach the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from bct_risk.domain.errors import DomainError

T = TypeVar("T")


def call_service(
    node: DOMNode,
    work: Callable[[], T],
    done: Callable[[T], object],
    *,
    group: str,
    failed: Callable[[DomainError], object] | None = None,
) -> Worker[None]:
    """Run ``work`` (a service call) in a thread worker, then ``done`` with its result on the UI.

    A broken rule (a :class:`DomainError`) goes to ``failed``, else to the app's notification;
    the service has already rolled back, so nothing is half-saved. A newer call in the same
    group supersedes an older one, whose result is then dropped (a filter keystroke replaces
    the last). Any other error (a dropped connection, a full disk) opens a dialog saying what
    failed, with a key to try again; the app stays open and the screen below keeps what was
    typed in it.
    """

    def run() -> None:
        try:
            result = work()
        except DomainError as exc:
            if not get_current_worker().is_cancelled:
                node.app.call_from_thread(failed or notify_error(node), exc)
            return
        except Exception as exc:  # shown to the user, who can try again
            if not get_current_worker().is_cancelled:
                node.app.call_from_thread(_unexpected, exc)
            return
        if not get_current_worker().is_cancelled:
            node.app.call_from_thread(done, result)

    def _unexpected(exc: Exception) -> None:
        from bct_risk.tui.screens.failure import FailureScreen

        node.log.error(f"{group} failed", exc)

        def answered(retry: bool | None) -> None:
            if retry and node.is_attached:
                call_service(node, work, done, group=group, failed=failed)

        node.app.push_screen(FailureScreen(group, exc), answered)

    return node.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=False)


def notify_error(node: DOMNode) -> Callable[[DomainError], None]:
    """Show a broken rule as an error notification."""

    def show(exc: DomainError) -> None:
        node.app.notify(_sentence(exc.message), title="Not done", severity="error", timeout=8)

    return show


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
