"""Workflows: TOML files that run tools in dependency order (SPEC section 11).

A floor of its own, between ``runtime`` and ``skills``: it reads skill
manifests (the catalog) and runs tools through :func:`kurt.core.execute.execute_tool`,
and the CLI hands it the :class:`~kurt.core.context.ToolContext` of a run.
"""
