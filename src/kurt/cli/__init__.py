"""The ``kurt`` command line: one module per command group, errors converted
to messages and exit codes in one place (:mod:`kurt.cli.app`)."""
