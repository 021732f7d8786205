"""``kurt completion SHELL``: the shell's completion script, to source or install.

The script is click's own (it calls ``kurt`` again with ``_KURT_COMPLETE``
set); what it completes beyond command and option names is in
:mod:`kurt.cli.complete`.
"""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    It completes commands, options, and the names of tools, engines, skills
    and settings of the project at hand.

    \b
    Examples:
      eval "$(kurt completion bash)"     in ~/.bashrc
      eval "$(kurt completion zsh)"      in ~/.zshrc
      kurt completion fish > ~/.config/fish/completions/kurt.fish
    """
    from click.shell_completion import get_completion_class

    from kurt.cli.app import cli

    completer = get_completion_class(shell)
    assert completer is not None  # every name in SHELLS is one click knows
    click.echo(completer(cli, {}, "kurt", "_KURT_COMPLETE").source())
