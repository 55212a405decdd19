"""The app's header names the person it acts as, and their role, once roles apply."""

from __future__ import annotations

from bct_risk.domain.enums import Role
from bct_risk.services import people
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from tests.tui.conftest import settle


async def test_no_one_is_named_while_roles_are_off(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.title == "BCT risk register"


async def test_the_header_names_the_person_and_their_role(app_ctx: Context) -> None:
    people.add_person(app_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(app_ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    for actor, shown in (
        ("val", "Val Viewer (viewer)"),
        ("ada", "Ada Admin (administrator)"),
        ("mallory", "mallory (not a person of this register: reads only)"),
    ):
        app = make_app(app_ctx.acting_as(actor), blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.title == f"BCT risk register · {shown}"
