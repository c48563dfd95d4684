"""Ship templates/ and stakeholder_profiles/, kept at the repository's top, inside the wheel.

pyproject.toml holds the project's metadata; this only adds the two folders to the package as
it is built, where workbench.config.shipped_folder finds them once installed.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED_FOLDERS = ("templates", "stakeholder_profiles")


class BuildWithSharedFolders(build_py):
    """Build the package, then copy the shared folders into it."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the repository's own folders
            return
        for name in SHIPPED_FOLDERS:
            self.copy_tree(name, str(Path(self.build_lib) / "workbench" / name))


setup(cmdclass={"build_py": BuildWithSharedFolders})
