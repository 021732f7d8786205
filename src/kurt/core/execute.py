"""Run a tool by name: look it up, validate input, time it, catch its crash."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kurt.core.context import ToolContext
from kurt.core.crash import crash_type, describe, guarded
from kurt.core.progress import ProgressCallback
from kurt.core.result import ErrorInfo, ToolResult
from kurt.errors import KurtError, SkillError, ToolInputError, UsageError, did_you_mean

# A crash inside run() becomes a failed result; its traceback goes here, at
# DEBUG, where `kurt --debug` shows it to the skill's author.
_log = logging.getLogger(__name__)


async def execute_tool(
    name: str,
    params: Mapping[str, Any] | BaseModel,
    context: ToolContext,
    on_progress: ProgressCallback | None = None,
) -> ToolResult:
    """Run the tool registered as ``name`` with ``params``.

    What is wrong with the call itself raises, before the tool's ``run()``
    starts: an unknown name raises :class:`~kurt.errors.UnknownNameError`; input
    that fails the tool's ``InputModel`` raises :class:`~kurt.errors.ToolInputError`
    (both usage errors, exit 2); a skill that may not load or run raises its
    :class:`~kurt.errors.SkillError`, invalid settings a ConfigError.

    Anything raised once ``run()`` has started becomes a failed
    :class:`ToolResult` of *this* tool, never a traceback: a crash, output that
    does not match ``OutputModel``, ``sys.exit()``, and Kurt's errors from the
    tools it runs in turn (``context.run_tool("fecth")`` is the skill's bug, not
    a bad command line); :func:`~kurt.core.crash.guarded` carries every
    ``BaseException`` there. Only ``KeyboardInterrupt`` (and cancellation) go on,
    and the usage and skill errors of Kurt's own tools, which raise them about
    their input alone (``kurt fetch --engine htpx`` is a usage error, exit 2).
    """
    entry = context.tools.entry(name)
    tool_cls = entry.obj
    payload = params.model_dump() if isinstance(params, BaseModel) else dict(params)
    model = tool_cls.InputModel
    try:
        _refuse_undeclared(model, payload)
        validated = model.model_validate(payload)
    except ValidationError as exc:
        raise ToolInputError(
            f"Invalid input for tool '{name}': "
            f"{describe_validation_error(exc, model.model_fields)}",
            hint=_setting_hint(exc, entry.skill, context)
            or input_hint(name, model, builtin=entry.skill is None),
        ) from None

    run_context = await context.enter(entry.skill)  # the skill's lifespan, once per scope
    llm_before = _llm_usage(run_context)
    started_at = datetime.now(UTC)
    start = time.perf_counter()
    try:
        result = await guarded(tool_cls().run(validated, run_context, on_progress))
        result = _check_output(tool_cls.OutputModel, result)
    except (UsageError, SkillError) as exc:
        if entry.kurts_own:  # `fetch --engine htpx`, a disabled engine's skill
            raise
        result = _failed(name, exc)
    except KurtError as exc:
        result = _failed(name, exc)
    except Exception as exc:  # sys.exit() too, carried by guarded(): never Kurt's exit
        _log.debug("tool '%s' crashed", name, exc_info=True)
        result = ToolResult(success=False, errors=[_crash(exc)])
    duration_ms = round((time.perf_counter() - start) * 1000, 3)
    result.metadata = {
        **result.metadata,
        "tool": name,
        "skill": entry.skill,
        "started_at": started_at.isoformat(),
        "duration_ms": duration_ms,
    }
    llm = _llm_spent(run_context, llm_before)
    if llm is not None:
        result.metadata["llm"] = llm
    return result


def _llm_usage(context: ToolContext) -> tuple[int, int, int]:
    """(input tokens, output tokens, requests) spent by ``context``'s client so far."""
    client = context.opened_llm()
    usage = getattr(client, "usage", None)
    if usage is None:
        return (0, 0, 0)
    return (usage.input_tokens, usage.output_tokens, usage.requests)


def _llm_spent(context: ToolContext, before: tuple[int, int, int]) -> dict[str, Any] | None:
    """What the tool's run asked of its model (``metadata["llm"]``), or ``None``
    when it asked nothing; tools it ran in turn with the same client count too."""
    after = _llm_usage(context)
    if after[2] == before[2]:
        return None
    return {
        "model": getattr(context.opened_llm(), "model_name", None),
        "input_tokens": after[0] - before[0],
        "output_tokens": after[1] - before[1],
        "requests": after[2] - before[2],
    }


def _failed(name: str, exc: KurtError) -> ToolResult:
    """The failed result of a tool whose run raised one of Kurt's errors: its
    message is meant for a user (no traceback), but --debug shows where."""
    _log.debug("tool '%s' failed", name, exc_info=True)
    return ToolResult(success=False, errors=[ErrorInfo(message=str(exc), type=type(exc).__name__)])


def _crash(exc: Exception) -> ErrorInfo:
    return ErrorInfo(message=describe(exc, call="run()"), type=crash_type(exc))


def _setting_hint(exc: ValidationError, skill: str | None, context: ToolContext) -> str | None:
    """Where to put a key the tool does not take but its skill's settings do
    (``-p top=3`` for a setting ``top``), or ``None``."""
    if skill is None:
        return None
    undeclared = [
        str(error["loc"][0]) for error in exc.errors() if error["type"] == "extra_forbidden"
    ]
    if not undeclared:
        return None
    try:
        declared = getattr(type(context.settings_for(skill)), "model_fields", {})
    except KurtError:  # settings that do not validate: the run would say so itself
        return None
    key = next((key for key in undeclared if key in declared), None)
    if key is None:
        return None
    return (
        f"'{key}' is a setting of skill '{skill}', not an input; "
        f"set it with: kurt config skills set {skill} {key} VALUE"
    )


def input_hint(name: str, model: type[BaseModel], *, builtin: bool) -> str:
    """What tool ``name`` takes: ``'greet' takes: name (required), times=1``.

    The error itself says what the tool takes, so a user need not run
    anything else to fix the call; a built-in's hint also points at
    ``kurt tool info``, which shows each field.
    """
    fields = []
    for field_name, field in model.model_fields.items():
        key = field.alias or field_name
        if field.is_required():
            fields.append(f"{key} (required)")
        else:
            default = repr(field.get_default(call_default_factory=True))
            fields.append(f"{key}={default if len(default) <= 30 else default[:27] + '...'}")
    hint = f"'{name}' takes: {', '.join(fields)}" if fields else f"'{name}' takes no input"
    return f"{hint}; its schema: kurt tool info {name}" if builtin else hint


def _refuse_undeclared(model: type[BaseModel], payload: Mapping[str, Any]) -> None:
    """Raise pydantic's own "extra inputs" error for keys ``model`` does not declare.

    pydantic ignores them by default, so ``-p nmae=Ada`` would run with the
    default name and no word said. A model that states its choice
    (``extra="allow"`` or ``"ignore"``) gets what it asked for.
    """
    if model.model_config.get("extra") is not None:
        return  # "forbid" is pydantic's to report, with the other errors
    undeclared = undeclared_keys(model, payload)
    if undeclared:
        raise ValidationError.from_exception_data(
            model.__name__,
            [
                {"type": "extra_forbidden", "loc": (key,), "input": payload[key]}
                for key in undeclared
            ],
        )


def undeclared_keys(model: type[BaseModel], payload: Iterable[str]) -> list[str]:
    """The keys of ``payload`` that ``model`` neither declares nor accepts as
    extras (``extra="allow"`` or ``"ignore"``, stated, accepts them all)."""
    if model.model_config.get("extra") in ("allow", "ignore"):
        return []
    known: set[str] = set()
    for field_name, field in model.model_fields.items():
        known.add(field_name)
        known.update(a for a in (field.alias, field.validation_alias) if isinstance(a, str))
    return [key for key in payload if key not in known]


def describe_validation_error(exc: ValidationError, fields: Iterable[str] = ()) -> str:
    """``field 'url': Field required; field 'depth': ...`` from a pydantic error.

    ``fields`` are the model's field names: a field nobody declared gets a
    did-you-mean among them (``-p sorce=docs`` is almost always a typo).
    """
    return "; ".join(describe_errors(exc.errors(), fields))


def describe_errors(errors: Iterable[ErrorDetails], fields: Iterable[str] = ()) -> list[str]:
    """One ``field 'url': Field required`` per error of pydantic (see
    :func:`describe_validation_error`)."""
    known = list(fields)
    parts = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"]) or "input"
        found = error.get("input")
        detail = error["msg"]
        if error["type"] not in {"missing", "extra_forbidden"} and isinstance(
            found, str | int | float | bool
        ):
            detail = f"{detail} (got {found!r})"
        if error["type"] == "extra_forbidden" and (close := did_you_mean(where, known)):
            detail = f"{detail}; did you mean '{close}'?"
        parts.append(f"field '{where}': {detail}")
    return parts


def _check_output(model: type[BaseModel], result: Any) -> ToolResult:
    """``result`` itself, once it is a ToolResult whose every item fits ``model``."""
    if not isinstance(result, ToolResult):
        raise TypeError(f"run() returned {type(result).__name__}, not a ToolResult")
    if not isinstance(result.data, list):  # assigned after the result was built
        raise TypeError(f"run() returned data as a {type(result.data).__name__}, not a list")
    for index, item in enumerate(result.data):
        try:
            model.model_validate(item)
        except ValidationError as exc:
            # Counted from 0, as the items of "data" in the JSON are.
            raise TypeError(
                f"run() returned data that does not match {model.__name__}: "
                f"item {index}: {describe_validation_error(exc)}"
            ) from None
    return result
