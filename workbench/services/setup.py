"""Set up a database: bring the schema up to date and load the reference library."""

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy.orm import Session

from workbench import MIGRATIONS_DIR
from workbench.services.library import LoadReport, load_library
from workbench.services.library_files import LibraryError, read_library

__all__ = ["LibraryError", "initialise"]


def initialise(session: Session, profiles_dir: Path, force: bool = False) -> LoadReport:
    """Validate the profiles folder, upgrade the schema, then load it into the caller's unit.

    The files are validated before the database is touched, so bad input changes nothing.
    """
    library = read_library(profiles_dir)
    upgrade(directory=str(MIGRATIONS_DIR))
    return load_library(session, library, force=force)
