"""Kurt as a Model Context Protocol server (``kurt mcp serve``, SPEC section 12).

A front end beside the CLI: the CLI starts it, and it composes a
:class:`~kurt.runtime.Runtime` per request as a command does. Only
:mod:`kurt.mcp.server` imports the SDK (the ``kurt-skills[mcp]`` extra), and
nothing outside this package imports that module but ``kurt mcp serve``.
"""
