"""The schema check reads the migration files and the version table itself, and agrees with
Alembic whatever the newest migration is; Alembic is imported only to upgrade."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine
from bct_risk.storage.paths import MIGRATIONS_DIR


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'register.sqlite'}")
    yield made
    made.dispose()


def test_the_newest_revision_read_from_the_files_is_alembics_head(engine: Engine) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(engine))
    assert migrate.head_revision() == scripts.get_current_head()
    assert set(migrate.revision_graph()) == {s.revision for s in scripts.walk_revisions()}


def test_a_new_migration_becomes_the_head(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    newest = migrate.head_revision()
    (folder / "versions" / "9001_a_later_change.py").write_text(
        f'"""A later change\n\nRevision ID: 9001_later\nRevises: {newest}\n"""\n\n'
        "from collections.abc import Sequence\n\n"
        'revision: str = "9001_later"  # the next one\n'
        f"down_revision: str | None = {newest!r}\n"
        "branch_labels: str | Sequence[str] | None = None\n\n\n"
        "def upgrade() -> None:\n    pass\n\n\n"
        "def downgrade() -> None:\n    pass\n",
        encoding="utf-8",
    )
    head = migrate.head_revision(folder / "versions")
    assert head == "9001_later"
    assert head == ScriptDirectory(str(folder)).get_current_head()


def test_current_only_at_the_newest_revision(engine: Engine) -> None:
    assert migrate.stored_revisions(engine) == ()
    assert not migrate.is_current(engine)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    assert not migrate.is_current(engine)
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    assert migrate.stored_revisions(engine) == heads == (migrate.head_revision(),)


def test_a_database_newer_than_the_code_is_refused_clearly(engine: Engine) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    assert not migrate.is_current(engine)
    with pytest.raises(migrate.SchemaNewerError, match="revision 9999, which this version"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "9999"


def test_checking_a_current_database_does_not_import_alembic(engine: Engine) -> None:
    migrate.upgrade(engine)
    code = (
        "import json, sys\n"
        "from bct_risk.storage import migrate\n"
        "from bct_risk.storage.engine import make_engine\n"
        f"engine = make_engine({str(engine.url)!r})\n"
        "print(json.dumps([migrate.is_current(engine), 'alembic' in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [True, False]
