"""``kurt`` and ``python -m kurt``.

``kurt --version`` is answered from a constant before click is imported, so
scripts that ask for the version pay for nothing else; ``kurt --help`` from a
cached rendering (:mod:`kurt.cli.help_cache`).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from kurt._version import DISTRIBUTION, __version__

        sys.stdout.write(f"kurt ({DISTRIBUTION}) {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        from kurt.cli.help_cache import print_root_help

        return print_root_help()
    from kurt.cli.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
