"""``kurt skill why URL``: which engine a URL goes to, and why (SPEC section 10).

Every candidate is shown with its pattern, score, source and the rule that made
it win or lose: the routes of kurt.toml, the ``url_patterns`` of Kurt's own
engines and of usable skills, the patterns of skills that cannot route here
(disabled, invalid, unusable, shadowed or untrusted, with the reason), and the
tool's default. The choice is the one ``kurt fetch`` and ``kurt map`` make
(:class:`kurt.tools.routes.Router`); no skill code is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kurt.cli.state import CliState

if TYPE_CHECKING:
    from kurt.routing import Candidate, Considered
    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord


@click.command("why")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice(["fetcher", "mapper"]),
    default="fetcher",
    show_default=True,
    help="Explain the choice of `kurt fetch` (fetcher) or `kurt map` (mapper).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def skill_why(state: CliState, url: str, kind: str, as_json: bool) -> None:
    """Which engine URL goes to, and why: every candidate with its pattern,
    score, source and the rule that made it win or lose. No skill code is imported.

    \b
    Examples:
      kurt skill why https://www.notion.so/team/page
      kurt skill why https://example.com/feed.xml --kind mapper --json
    """
    from kurt.core.context import ToolContext
    from kurt.tools.paths import canonical
    from kurt.tools.routes import Router

    runtime = state.runtime
    runtime.prepare_registries()
    config = runtime.config
    source = canonical(url)
    if kind == "fetcher":
        from kurt.tools.fetch.tool import default_engine as default_fetcher

        default = default_fetcher(source, config.fetch.engine)
    else:
        from kurt.tools.map.tool import default_engine as default_mapper

        default = default_mapper(source, config.map.engine)
    router = Router(ToolContext(config=config), kind)
    choice = router.choose(source, None, default)
    rows = list(choice.considered)
    rows[-1:-1] = _sidelined(runtime.skills, kind, router.registry.routes())
    if as_json:
        from kurt.cli.output import print_json

        print_json(
            {
                "url": source,
                "kind": kind,
                "winner": choice.engine,
                "candidates": [row.to_json() for row in rows],
            }
        )
        return
    from kurt.cli.output import print_listing
    from kurt.cli.plain import clean

    click.echo(clean(f"{source} -> {choice.engine} ({kind}, {_BY[choice.by]})"))
    # Grows with the skills' patterns: plain aligned text in a pipe or past a screen.
    print_listing(
        ["engine", "skill", "pattern", "score", "source", "rule"],
        [
            [
                row.engine,
                row.skill or "",
                row.pattern or "",
                "" if row.score is None else row.score,
                row.source,
                row.rule,
            ]
            # What decided first, then what lost, then what could not take part.
            for row in sorted(rows, key=_order)
        ],
    )


def _order(row: Considered) -> int:
    for position, start in enumerate(("won", "lost", "not considered")):
        if row.rule.startswith(start):
            return position
    return 3


_BY = {
    "engine": "named by --engine",
    "route": "a route in kurt.toml",
    "pattern": "the most specific url_patterns",
    "default": "the tool's default",
}


def _sidelined(skills: SkillManager, kind: str, counted: list[Candidate]) -> list[Considered]:
    """The patterns of skills that could not route here, each with the reason."""
    from kurt.routing import Considered, specificity

    seen = {(c.engine, c.skill, c.pattern) for c in counted}
    rows: list[Considered] = []
    for record in skills.records:
        for provided in record.provided(kind):
            for pattern in provided.url_patterns:
                if (provided.name, record.name, pattern) in seen:
                    continue
                reason = _reason(skills, record, provided.name, kind)
                rows.append(
                    Considered(
                        provided.name,
                        record.name,
                        pattern,
                        specificity(pattern),
                        record.source,
                        f"not considered: {reason}",
                    )
                )
    return rows


def _reason(skills: SkillManager, record: SkillRecord, name: str, kind: str) -> str:
    from kurt.errors import ConfigError

    if record.status == "shadowed":
        return f"skill '{record.name}' is shadowed by {record.shadowed_by}"
    if record.status != "ok":
        problems = [*record.unmet, *record.errors]
        detail = f" ({problems[0].message})" if problems else ""
        return f"skill '{record.name}' is {record.status}{detail}"
    try:
        trusted = skills.is_trusted(record)
    except ConfigError:
        trusted = False
    if not trusted:
        return "the project is not trusted (kurt trust)"
    winner = skills.provider(kind, name)
    return f"the {kind} '{name}' is provided by skill '{winner.name if winner else '?'}'"
