"""Shell completion of Kurt's names: tools, engines, skills and their settings.

click completes command and option names by itself (``_KURT_COMPLETE``, the
script ``kurt completion SHELL`` prints); the functions here are the
``shell_complete`` callbacks of the arguments and options that take a name
Kurt knows only from the project: ``tool run NAME``, ``tool info NAME``,
``skill info|validate NAME``, ``fetch --engine``, ``map --engine``,
``workflow info|run|validate NAME`` and
``config skills enable|disable|set|unset NAME [KEY]``.

Each TAB is a new process, so the names come from where ``kurt tool list``
and ``kurt skill list`` get theirs: the catalog's snapshot and run index,
through the project's ``SkillManager`` (manifests only: no skill code, no
pydantic; a changed skill folder is rescanned, which refreshes the snapshot
for the next TAB). A completion never prints an error: whatever goes wrong
(no project, a broken kurt.toml) completes nothing rather than writing a
message into the user's command line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from kurt.kinds import OWN_NAMES

if TYPE_CHECKING:
    from kurt.skills.manager import SkillManager

Items = list[CompletionItem]
Complete = Callable[[click.Context, click.Parameter, str], Items]


def _quiet() -> contextlib.suppress:
    """Swallow any failure: completion is a convenience, and a message would
    land in the middle of the user's command line."""
    return contextlib.suppress(Exception)


def _manager(ctx: click.Context) -> SkillManager:
    """The skills of the project ``kurt`` would use (``--project`` and
    ``KURT_PROJECT_ROOT`` as click parsed them for completion)."""
    from kurt.cli.state import CliState

    project = ctx.find_root().params.get("project")
    return CliState(project=project).runtime.skills


def _items(names: Iterable[str], incomplete: str) -> Items:
    return [CompletionItem(name) for name in sorted(set(names)) if name.startswith(incomplete)]


def _provided(ctx: click.Context, kinds: tuple[str, ...]) -> set[str]:
    """Kurt's own names of ``kinds``, and those a usable skill provides (as
    ``kurt tool list`` shows them)."""
    names = {name for kind in kinds for name in OWN_NAMES[kind]}
    with _quiet():
        from kurt.cli.tool_rows import tool_rows

        names.update(row["name"] for row in tool_rows(_manager(ctx)) if row["kind"] in kinds)
    return names


def names_of(*kinds: str) -> Complete:
    """A callback completing the tool, fetcher or mapper names of ``kinds``."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> Items:
        return _items(_provided(ctx, kinds), incomplete)

    return complete


def skill_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> Items:
    """Every discovered skill's name (disabled and invalid ones too: they can
    be enabled, inspected and validated)."""
    names: set[str] = set()
    with _quiet():
        names = {row["name"] for row in _manager(ctx).listing()}
    return _items(names, incomplete)


def skill_names_or_paths(ctx: click.Context, param: click.Parameter, incomplete: str) -> Items:
    """``skill validate [NAME|PATH]...``: a skill's name, else a folder."""
    found = skill_names(ctx, param, incomplete)
    if found and not incomplete.startswith((".", "/", "~")):
        return found
    return [CompletionItem(incomplete, type="dir")]  # the shell completes the folder


def setting_keys(ctx: click.Context, param: click.Parameter, incomplete: str) -> Items:
    """The settings the skill named by the NAME argument declares."""
    keys: list[str] = []
    with _quiet():
        name = ctx.params.get("name")
        if isinstance(name, str):
            keys = list(_manager(ctx).record(name).settings)
    return _items(keys, incomplete)


def workflow_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> Items:
    """Every workflow's name: the project's workflows/ and those skills declare
    (read as ``kurt workflow list`` reads them: TOML, no skill code)."""
    names: set[str] = set()
    with _quiet():
        from kurt.cli.state import CliState
        from kurt.workflows.load import find_workflows

        state = CliState(project=ctx.find_root().params.get("project"))
        found = find_workflows(state.locations.project_root, state.runtime.skills)
        names = {loaded.workflow.name for loaded in found}
    return _items(names, incomplete)
