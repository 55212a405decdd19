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
    the last). Anything else is a bug and stops the app with its traceback.
    """

    def run() -> None:
        try:
            result = work()
        except DomainError as exc:
            if not get_current_worker().is_cancelled:
                node.app.call_from_thread(failed or notify_error(node), exc)
            return
        if not get_current_worker().is_cancelled:
            node.app.call_from_thread(done, result)

    return node.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=True)


def notify_error(node: DOMNode) -> Callable[[DomainError], None]:
    """Show a broken rule as an error notification."""

    def show(exc: DomainError) -> None:
        node.app.notify(_sentence(exc.message), title="Not done", severity="error", timeout=8)

    return show


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
