"""A skill's status in listings, and the one rule that decides it (SPEC section 6).

Both the full path (:func:`kurt.skills.catalog.precedence.apply_state`) and
the warm paths (:mod:`kurt.skills.catalog.warm`) ask
:func:`status_of`, so the two can never disagree on what a skill's status is.
It imports nothing: the warm listing must cost little more than starting click.
"""

from __future__ import annotations

STATUS_OK = "ok"
STATUS_DISABLED = "disabled"
STATUS_INVALID = "invalid"
STATUS_SHADOWED = "shadowed"
#: The manifest is valid, but this machine cannot run the skill: its
#: ``requires_python``, a ``requires`` distribution or a ``requires_env``
#: variable is unmet (the problems say which, and how to fix it).
STATUS_UNUSABLE = "unusable"

STATUSES = (STATUS_OK, STATUS_DISABLED, STATUS_INVALID, STATUS_SHADOWED, STATUS_UNUSABLE)


def status_of(*, shadowed: bool, enabled: bool, valid: bool, runnable: bool) -> str:
    """The status, by priority: ``shadowed`` (it is never used, whatever else
    holds), ``disabled`` (the user's choice), ``invalid`` (the manifest, or a
    clash with an enabled skill), ``unusable`` (this machine), else ``ok``."""
    if shadowed:
        return STATUS_SHADOWED
    if not enabled:
        return STATUS_DISABLED
    if not valid:
        return STATUS_INVALID
    if not runnable:
        return STATUS_UNUSABLE
    return STATUS_OK
