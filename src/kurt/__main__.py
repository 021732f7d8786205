"""``kurt`` and ``python -m kurt``.

``kurt --version`` is answered from a constant before click is imported, so
scripts that ask for the version pay for nothing else; ``kurt --help`` from a
cached rendering (:mod:`kurt.cli.help_cache`).
"""

from __future__ import annotations

import os
import sys


def _drop_working_directory() -> None:
    """Take off ``sys.path`` the entry ``python -m`` puts first: the current
    directory (``''`` or its absolute path).

    The ``kurt`` script never has it; with it, a cloned project's ``click.py``
    would be imported instead of click, and a ``*.dist-info`` folder in it
    taken for an installed package, running the clone's code before
    ``kurt trust`` is ever asked. This runs before anything else is imported
    (``os`` and ``sys`` are loaded by the interpreter itself).
    """
    if getattr(sys.flags, "safe_path", False):
        return  # -P / PYTHONSAFEPATH: nothing was put first
    if not sys.path:
        return
    first = sys.path[0]
    try:
        here = os.getcwd()
    except OSError:  # the working directory was removed
        here = None
    if first == "" or (here is not None and os.path.realpath(first) == os.path.realpath(here)):
        del sys.path[0]


if __name__ == "__main__":
    _drop_working_directory()


def _completing() -> bool:
    """Whether the shell's completion script called (it runs ``kurt`` bare)."""
    return "_KURT_COMPLETE" in os.environ


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from kurt._version import DISTRIBUTION, __version__

        sys.stdout.write(f"kurt ({DISTRIBUTION}) {__version__}\n")
        return 0
    if args in ([], ["--help"], ["-h"]) and not _completing():  # bare `kurt` asks for help
        from kurt.cli.help_cache import print_root_help

        return print_root_help()
    from kurt.cli.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
