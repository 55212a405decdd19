"""Only the changes the acting person may make are offered: the rest are shown disabled.

Once the register is open the app learns who it acts as (:func:`set_acting`, from
:func:`bct_risk.services.permissions.acting`). Each screen's ``check_action`` asks :func:`offer`
whether one of its actions changes the register in a way the person may not (the rule is
:func:`bct_risk.services.permissions.refusal`, the one the services enforce); Textual then shows
the key dimmed in the footer and does nothing when it is pressed, and :func:`explain_key` says
why. With roles off (nobody has a login) everything is offered.

Nothing here imports the services at import time: the register screen is drawn before they load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary, WeakSet

from textual.app import App
from textual.dom import DOMNode

if TYPE_CHECKING:
    from bct_risk.services.permissions import Acting, RiskFacts
    from bct_risk.services.queries import ActionView
    from bct_risk.services.register_rows import RiskRow

CHANGES: dict[str, dict[str, str]] = {
    "register": {"new_risk": "ADD_RISK", "import_file": "IMPORT"},
    "detail": {
        "score": "SCORE",
        "escalate": "MOVE",
        "deescalate": "MOVE",
        "add_control": "MITIGATE",
        "edit_control": "MITIGATE",
        "grade_control": "MITIGATE",
        "retire_control": "MITIGATE",
        "link_risk": "EDIT_RISK",
        "add_further_action": "MITIGATE",
        "close_or_reopen": "CLOSE",
        "edit": "EDIT_RISK",
        "review": "REVIEW",
    },
    "tracker": {
        "add_update": "UPDATE_ACTION",
        "change_status": "UPDATE_ACTION",
        "change_due": "UPDATE_ACTION",
        "change_owner": "UPDATE_ACTION",
        "complete": "UPDATE_ACTION",
        "link_risk": "UPDATE_ACTION",
        "raise_action": "RAISE_ACTION",
    },
    "committees": {"record_review": "REVIEW", "add_meeting": "MEETINGS"},
    "indicators": {"record": "INDICATORS", "acknowledge": "ACKNOWLEDGE_BREACH"},
}
"""For each screen, its actions that change the register and the change (a
:class:`~bct_risk.services.permissions.Change` by name) each makes."""

_ACTING: WeakKeyDictionary[App[Any], Acting] = WeakKeyDictionary()
_REFUSED: WeakKeyDictionary[DOMNode, dict[str, str]] = WeakKeyDictionary()
_WATCHED: WeakSet[App[Any]] = WeakSet()


def set_acting(
    app: App[Any], who: Acting | None, reload: Callable[[], object] | None = None
) -> None:
    """Remember who the app acts as (None: roles are off), and redraw the keys offered.

    Once roles are on, ``reload`` (which reads who the app acts as again, then calls this) runs
    each time the app changes screen: a risk given to the person (or taken from them) since is
    offered (or not) on the next screen they open or return to.
    """
    if who is None:
        _ACTING.pop(app, None)
    else:
        _ACTING[app] = who
        if reload is not None and app not in _WATCHED:
            _WATCHED.add(app)
            app.screen_change_signal.subscribe(app, lambda _screen: reload())
    for screen in app.screen_stack:
        screen.refresh_bindings()


def acting_of(app: App[Any]) -> Acting | None:
    """Who the app acts as; None while roles are off or before the register is open."""
    return _ACTING.get(app)


def offer(
    node: DOMNode,
    screen: str,
    action: str,
    *,
    risk: RiskRow | str | None = None,
    item: ActionView | None = None,
    indicator: str | None = None,
) -> bool | None:
    """For a screen's ``check_action``: True when ``action`` is offered, None (shown disabled,
    and the key does nothing) when the acting person may not take it. ``risk`` (a register
    line, or a reference) and ``item`` (a tracker action) are what the action would change,
    where "only their own" applies, and ``indicator`` (a key risk indicator's key) that whose
    values its owner records; where the screen has chosen none yet, the action is offered if
    the person may take it on something of their own (the action then asks them to choose).
    """
    why = refused(node.app, screen, action, risk=risk, item=item, indicator=indicator)
    refusals = _REFUSED.setdefault(node, {})
    if why is None:
        refusals.pop(action, None)
        return True
    refusals[action] = why
    return None


def refused(
    app: App[Any],
    screen: str,
    action: str,
    *,
    risk: RiskRow | str | None = None,
    item: ActionView | None = None,
    indicator: str | None = None,
) -> str | None:
    """Why the acting person may not take a screen's action, or None when they may."""
    name = CHANGES[screen].get(action)
    who = acting_of(app)
    if name is None or who is None:
        return None
    from bct_risk.domain.enums import ActionKind, Tier
    from bct_risk.services.permissions import (
        ActionFacts,
        Change,
        RiskFacts,
        indicator_refusal,
        refusal,
    )

    change = Change[name]
    if change == Change.INDICATORS:
        owned = indicator in who.own_indicators if indicator else bool(who.own_indicators)
        return indicator_refusal(who, owned)
    target = risk if risk is not None else item.risk_reference if item is not None else None
    facts = _risk_facts(who, target)
    done = None if item is None else ActionFacts(item.kind, item.id in who.own_actions)
    if facts is None and done is None:
        # Nothing chosen yet: offered if they could take it on something of their own.
        own = RiskFacts("", owned=True, owner="", tier=Tier.OPERATIONAL)
        if refusal(who, change, risk=own, action=ActionFacts(ActionKind.TRACKER, True)) is None:
            return None
    return refusal(who, change, risk=facts, action=done)


def _risk_facts(who: Acting, risk: RiskRow | str | None) -> RiskFacts | None:
    from bct_risk.services.permissions import RiskFacts

    if not risk:
        return None
    if isinstance(risk, str):
        return RiskFacts(risk, owned=risk in who.own_risks, owner=None)
    return RiskFacts(
        risk.reference, owned=risk.reference in who.own_risks, owner=risk.owner, tier=risk.tier
    )


def refusal_of(node: DOMNode, action: str) -> str | None:
    """Why ``node``'s action is not offered (as its ``check_action`` last found), or None."""
    node.check_action(action, ())
    return _REFUSED.get(node, {}).get(action)


def explain_action(node: DOMNode, action: str) -> bool:
    """Say why ``node``'s action is not offered, if it is not; whether it was refused."""
    why = refusal_of(node, action)
    if why is None:
        return False
    node.app.notify(why, title="Not offered", severity="warning", markup=False)
    return True


def explain_key(app: App[Any], key: str) -> bool:
    """Say why a key pressed for an action that is not offered did nothing; whether it did."""
    if not app.screen_stack:
        return False
    active = app.screen.active_bindings.get(key)
    if active is None or active.enabled:
        return False
    return explain_action(active.node, active.binding.action)
