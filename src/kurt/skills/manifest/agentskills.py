"""Strict conformance to the open Agent Skills format (``kurt skill validate --agentskills``).

The verdict and the message texts follow the format's reference validator,
``skills-ref`` 0.1.1 (``agentskills validate``), rule for rule; see
``AGENTSKILLS.md`` in the project's shared notes. That validator reads front
matter with strictyaml, a YAML dialect in which every value is a string and
flow style (``[a, b]``), anchors, tags and duplicate keys are errors, so this
module does the same with the same library: Kurt's own reader
(:mod:`kurt.skills.manifest.frontmatter`) is ordinary safe YAML and would pass files
the reference fails.

Where the reference would crash rather than answer, this module answers:
a SKILL.md that is not UTF-8, or is unreadable, is one error. Kurt's
hostile-input limit also applies here: front matter over 64 KiB is an error
before the (pure-Python) strictyaml parser sees it.

Unlike Kurt's own name rule (ASCII), names may hold any Unicode letter or
digit here, after NFKC normalisation, as in the reference.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from kurt.skills.manifest.frontmatter import MAX_FRONT_MATTER_BYTES, find_manifest

MAX_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 1024
MAX_COMPATIBILITY_LENGTH = 500
#: The only top-level keys the open format allows.
ALLOWED_FIELDS = frozenset(
    {"name", "description", "license", "allowed-tools", "metadata", "compatibility"}
)


class _ParseError(Exception):
    """A SKILL.md that cannot be read as front matter (one error, no further checks)."""


def check_agentskills(folder: Path) -> list[str]:
    """Every error the reference validator reports for the skill ``folder`` (empty: it conforms)."""
    if not folder.exists():
        return [f"Path does not exist: {folder}"]
    if not folder.is_dir():
        return [f"Not a directory: {folder}"]
    skill_md = find_manifest(folder)
    if skill_md is None:
        return ["Missing required file: SKILL.md"]
    try:
        # Text mode, as the reference reads it: "\r\n" becomes "\n".
        content = skill_md.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [f"{skill_md.name} is not valid UTF-8 (byte {exc.start})"]
    except OSError as exc:
        return [f"Cannot read {skill_md.name}: {exc.strerror or exc}"]
    try:
        metadata = parse_strict_front_matter(content)
    except _ParseError as exc:
        return [str(exc)]
    return validate_metadata(metadata, folder)


def parse_strict_front_matter(content: str) -> dict[str, Any]:
    """The front matter as strictyaml reads it (every scalar a string).

    Raises ``_ParseError`` with the reference's message. The split is the
    reference's too: at the first two ``---`` anywhere, not only on lines of their own.
    """
    if not content.startswith("---"):
        raise _ParseError("SKILL.md must start with YAML frontmatter (---)")
    parts = content.split("---", 2)
    if len(parts) < 3:
        raise _ParseError("SKILL.md frontmatter not properly closed with ---")
    front = parts[1]
    if len(front.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise _ParseError(
            f"Invalid YAML in frontmatter: larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB"
        )
    import strictyaml  # type: ignore[import-untyped]  # only this command needs it

    try:
        metadata = strictyaml.load(front).data
    except strictyaml.YAMLError as exc:
        raise _ParseError(f"Invalid YAML in frontmatter: {exc}") from None
    except Exception as exc:  # RecursionError and the like: the same verdict, no crash
        raise _ParseError(f"Invalid YAML in frontmatter: {type(exc).__name__}: {exc}") from None
    if not isinstance(metadata, dict):
        raise _ParseError("SKILL.md frontmatter must be a YAML mapping")
    return metadata


def validate_metadata(metadata: dict[str, Any], folder: Path | None = None) -> list[str]:
    """The field rules, accumulated: unknown keys, then name, description, compatibility."""
    errors = check_fields(metadata)
    if "name" not in metadata:
        errors.append("Missing required field in frontmatter: name")
    else:
        errors += check_name(metadata["name"], folder)
    if "description" not in metadata:
        errors.append("Missing required field in frontmatter: description")
    else:
        errors += check_description(metadata["description"])
    if "compatibility" in metadata:
        errors += check_compatibility(metadata["compatibility"])
    return errors


def check_fields(metadata: dict[str, Any]) -> list[str]:
    """No top-level keys beyond the six of the open format (one error naming them all)."""
    extra = set(metadata) - ALLOWED_FIELDS
    if not extra:
        return []
    return [
        f"Unexpected fields in frontmatter: {', '.join(sorted(extra))}. "
        f"Only {sorted(ALLOWED_FIELDS)} are allowed."
    ]


def check_name(name: Any, folder: Path | None) -> list[str]:
    """The name rules (NFKC-normalised; Unicode letters and digits allowed) and the folder match."""
    if not isinstance(name, str) or not name.strip():
        return ["Field 'name' must be a non-empty string"]
    name = unicodedata.normalize("NFKC", name.strip())
    errors = []
    if len(name) > MAX_NAME_LENGTH:
        errors.append(
            f"Skill name '{name}' exceeds {MAX_NAME_LENGTH} character limit ({len(name)} chars)"
        )
    if name != name.lower():
        errors.append(f"Skill name '{name}' must be lowercase")
    if name.startswith("-") or name.endswith("-"):
        errors.append("Skill name cannot start or end with a hyphen")
    if "--" in name:
        errors.append("Skill name cannot contain consecutive hyphens")
    if not all(char.isalnum() or char == "-" for char in name):
        errors.append(
            f"Skill name '{name}' contains invalid characters. "
            "Only letters, digits, and hyphens are allowed."
        )
    if folder is not None and unicodedata.normalize("NFKC", folder.name) != name:
        errors.append(f"Directory name '{folder.name}' must match skill name '{name}'")
    return errors


def check_description(description: Any) -> list[str]:
    """Present, a non-blank string, at most 1024 characters (counted as written)."""
    if not isinstance(description, str) or not description.strip():
        return ["Field 'description' must be a non-empty string"]
    if len(description) > MAX_DESCRIPTION_LENGTH:
        return [
            f"Description exceeds {MAX_DESCRIPTION_LENGTH} character limit "
            f"({len(description)} chars)"
        ]
    return []


def check_compatibility(compatibility: Any) -> list[str]:
    """A string of at most 500 characters."""
    if not isinstance(compatibility, str):
        return ["Field 'compatibility' must be a string"]
    if len(compatibility) > MAX_COMPATIBILITY_LENGTH:
        return [
            f"Compatibility exceeds {MAX_COMPATIBILITY_LENGTH} character limit "
            f"({len(compatibility)} chars)"
        ]
    return []
