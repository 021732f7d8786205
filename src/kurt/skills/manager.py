"""The skill manager: discovered skills, the provided-name index, lazy loading.

:class:`SkillManager` is what the registries ask when a name is missing
(it implements :class:`kurt.registry.Resolver`): ``TOOLS.get("archive")``
finds the one enabled skill that provides ``archive`` in the index built from
manifests, checks trust, loads the skills it requires first, lets the
``before_load`` hook validate its settings, and imports its ``skill.py``,
once. Every other skill stays unimported.

Two views of the skills:

- :attr:`SkillManager.records` scans every source (``kurt skill list``,
  ``validate``, ``config``): each manifest is stat-ed, changed ones re-read.
- Resolution uses the run index while a scan (strings and ``stat`` only)
  finds every skill folder and manifest as it was; anything changed falls
  back to the full path, which re-reads what changed. A name the index does
  not know is looked up in the full path too before it is called unknown
  (SPEC section 8: every command answers from the disk as it is now).

A skill that is invalid, disabled or fails to load raises a clear
:class:`~kurt.errors.SkillError` when its name is used, and is otherwise
skipped: every other skill and every built-in keeps working.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kurt.config.locations import Locations
from kurt.config.skills import (
    REASON_DISABLED_LIST,
    REASON_NOT_IN_ALLOW_LIST,
    SkillsConfig,
    read_skills_config,
)
from kurt.errors import ConfigError, SkillError, UnknownNameError, UntrustedProjectError
from kurt.skills.catalog.cache import (
    Catalog,
    fast_commands,
    fast_config_rows,
    fast_listing,
    fast_provided,
    load_catalog,
    load_quick,
)
from kurt.skills.catalog.search import BUILTIN_DIR

if TYPE_CHECKING:
    # Not imported at run time: the warm listing path needs none of them.
    from kurt.config.llm import ConfiguredModels
    from kurt.core.lifespan import SkillLifespan
    from kurt.routing import Candidate
    from kurt.skills.catalog.warm import CommandRow, ConfigRow, ProvidedRow, QuickCatalog
    from kurt.skills.record import SkillProblem, SkillRecord

_T = TypeVar("_T")

BeforeLoad = Callable[["SkillRecord"], None]


class SkillManager:
    """Discovered skills of one project and user, and their lazy loading."""

    def __init__(
        self,
        locations: Locations,
        skills_config: SkillsConfig | None = None,
        *,
        before_load: BeforeLoad | None = None,
        builtin_dir: Path | None = BUILTIN_DIR,
        use_cache: bool = True,
    ) -> None:
        self.locations = locations
        # The kurt.toml stamps are taken *before* the files are read: an edit in
        # between then shows as a changed stamp, never as a stale listing.
        self._config_stamps: str | None = None
        if skills_config is None:
            from kurt.skills.catalog.snapshot import config_stamps

            root = locations.project_root
            self._config_stamps = config_stamps(
                str(root) if root is not None else None, str(locations.home)
            )
        self.config = skills_config if skills_config is not None else read_skills_config(locations)
        self.before_load = before_load
        self.builtin_dir = builtin_dir
        self.use_cache = use_cache
        self._full: Catalog | None = None
        self._quick: Catalog | QuickCatalog | None = None
        self._loaded: set[str] = set()
        self._failed: dict[str, SkillError] = {}
        self._stale_derived = False
        self._project_trusted: bool | None = None

    # -- views ----------------------------------------------------------------

    def listing(self) -> list[dict[str, Any]]:
        """``kurt skill list --json`` rows (see :meth:`listing_json`)."""
        rows: list[dict[str, Any]] = json.loads(self.listing_json())
        return rows

    def listing_json(self) -> str:
        """``kurt skill list --json`` as JSON text: from the listing snapshot when
        every manifest is unchanged (nothing is built), else from :meth:`catalog`."""
        text = self._warm(fast_listing, untrusted=self.untrusted_roots())
        if text is not None:
            return text
        full = self.catalog()
        if full.listing is not None:
            from kurt.skills.catalog.warm import has_state

            as_rendered = all(r.trusted and not r.unmet for r in full.records)
            if as_rendered and not has_state(self.config):
                return full.listing  # the rows just rendered for the snapshot
        return json.dumps([record.to_json() for record in full.records], ensure_ascii=False)

    def _warm(self, answer: Callable[..., _T | None], **extra: Any) -> _T | None:
        """What ``answer`` (one of the cache's ``fast_*``) gives from the listing
        snapshot while every manifest is unchanged; ``None`` when the full path
        must answer (which then rewrites the derived files found stale)."""
        if not self.use_cache or self._full is not None:
            return None
        found = answer(
            self.locations,
            self.config,
            builtin_dir=self.builtin_dir,
            config_stamps=self._config_stamps,
            **extra,
        )
        if found is None:
            self._stale_derived = True
        return found

    def catalog(self) -> Catalog:
        """Every source scanned now (manifests re-read where they changed)."""
        if self._full is None:
            full = load_catalog(
                self.locations,
                self.config,
                builtin_dir=self.builtin_dir,
                use_cache=self.use_cache,
                write_derived=self._stale_derived,
                config_stamps=self._config_stamps,
                untrusted=self.untrusted_roots(),
            )
            from kurt.skills.catalog.precedence import apply_state

            records = apply_state(
                full.records, self.config, self.models(), trusted=self._shown_trusted
            )
            self._full = Catalog(records, full.providers, full.stamps, full.listing)
            self._quick = self._full
        return self._full

    def _fast(self) -> Catalog | QuickCatalog:
        """The catalog for resolution: the run index when no search folder changed."""
        if self._quick is None:
            quick = (
                load_quick(self.locations, self.config, builtin_dir=self.builtin_dir)
                if self.use_cache
                else None
            )
            if quick is None:
                self._stale_derived = True
                return self.catalog()
            self._quick = quick
        return self._quick

    @property
    def records(self) -> list[SkillRecord]:
        """Every discovered skill in search order, shadowed and invalid ones included."""
        return self.catalog().records

    def record(self, name: str) -> SkillRecord:
        """The skill ``name`` (the one that wins); ``UnknownNameError`` (exit 2) otherwise.

        Answered from the catalog resolution uses (cached while no search
        folder changed); call :meth:`catalog` first for a full scan.
        """
        found = self._fast().find(name)
        if found is None:
            found = self.catalog().find(name)  # never "unknown" before looking at the disk
        if found is None:
            raise UnknownNameError("skill", name, {r.name for r in self.records})
        return found

    def provider(self, kind: str, name: str) -> SkillRecord | None:
        """The skill that would provide ``name`` of ``kind`` (no code is imported)."""
        catalog = self._fast()
        if name not in catalog.providers.get(kind, {}) and catalog is not self._full:
            catalog = self.catalog()  # never "unknown" before looking at the disk
        candidates = [catalog.find(s) for s in catalog.providers.get(kind, {}).get(name, [])]
        present = [r for r in candidates if r is not None]
        usable = [r for r in present if r.usable]
        return usable[0] if usable else (present[0] if present else None)

    def unreadable(self, name: str) -> SkillRecord | None:
        """A skill whose manifest could not be read and that would be ``name``
        (by its folder's name or the name it gives), or ``None``.

        Such a skill provides nothing Kurt can see and declares no settings
        Kurt can see, so without this a name it provides reads as unknown
        and its settings as unknown keys: both misleading (the fix is in its
        SKILL.md, not in the command or in kurt.toml). Full scan: only asked
        once a name is found nowhere else.
        """
        from kurt.skills.catalog.precedence import fold
        from kurt.skills.manifest.salvage import names_given
        from kurt.skills.record import LINES

        wanted = fold(name)
        # A manifest that parsed keeps the lines of its keys in `extra`
        # (kurt.skills.manifest.read); one that did not has no `extra`.
        unread = [r for r in self.catalog().records if not r.valid and LINES not in r.extra]
        for record in unread:
            if wanted in (fold(record.name), fold(record.path.name)):
                return record
        for record in unread:  # by a `name:` its broken front matter still gives
            if wanted in {fold(given) for given in names_given(record.manifest_path)}:
                return record
        return None

    @staticmethod
    def fallback_notes(record: SkillRecord) -> list[str]:
        """What to tell the user when ``record`` is used in place of an invalid
        skill of the same name that comes first in the search order (a broken
        project skill over an installed one, say): the rule that an invalid
        skill never hides a valid one stays, but silently running other code
        than the user's own would mislead."""
        from kurt.skills.record import PASSED_OVER

        notes = []
        for source, manifest, line, message in record.extra.get(PASSED_OVER, ()):
            where = f"{manifest}:{line}" if line else manifest
            notes.append(
                f"the {source} skill '{record.name}' ({where}) is invalid: {message}; "
                f"using the {record.source} skill at {record.path}"
            )
        return notes

    def provided(self, kind: str) -> dict[str, SkillRecord]:
        """Every name of ``kind`` provided by a skill, with the skill that wins it."""
        catalog = self._fast()
        found: dict[str, SkillRecord] = {}
        for name in catalog.providers.get(kind, {}):
            record = self.provider(kind, name)
            if record is not None:
                found[name] = record
        return found

    def provided_listing(self) -> list[ProvidedRow]:
        """Every name a skill provides with the skill that wins it, as (kind,
        name, skill, description), for ``kurt tool list``: a name whose
        providers are all unusable (disabled, invalid, unusable) is left out.

        From the listing snapshot while every manifest is unchanged (a join,
        no record built), else from :meth:`catalog`, which rewrites it.
        """
        rows = self._warm(fast_provided)
        if rows is not None:
            return rows
        catalog = self.catalog()
        found: list[ProvidedRow] = []
        for kind, names in catalog.providers.items():
            for name in names:
                record = self.provider(kind, name)
                if record is not None and record.usable:
                    entry = next(p for p in record.provides if p.kind == kind and p.name == name)
                    found.append((kind, name, record.name, entry.description or record.description))
        return found

    def command_rows(self) -> list[CommandRow]:
        """Every command a valid, unshadowed skill adds to ``kurt``, as (name,
        help, skill, status, trusted): from the listing snapshot while every
        manifest is unchanged, else from :meth:`catalog`, which rewrites it."""
        warm = self._warm(fast_commands, untrusted=self.untrusted_roots())
        if warm is not None:
            return warm
        return [
            (
                command["name"],
                command.get("help") or record.description,
                record.name,
                record.status,
                record.trusted,
            )
            for record in self.records
            if record.status not in ("invalid", "shadowed")
            for command in record.extra.get("commands") or ()
        ]

    def config_rows(self) -> list[ConfigRow]:
        """Every discovered skill, shadowed ones included, as ``kurt config
        skills`` shows it: (name, source, status, enabled, reason, settings
        schema, errors). From the listing snapshot while every manifest is
        unchanged, else from :meth:`catalog`, which rewrites it."""
        warm = self._warm(fast_config_rows)
        if warm is not None:
            return warm
        return [
            (
                r.name,
                r.source,
                r.status,
                r.enabled,
                r.reason,
                r.settings,
                [str(p) for p in r.errors],
            )
            for r in self.records
        ]

    # -- the registry Resolver protocol ----------------------------------------

    def names(self, kind: str) -> Iterable[str]:
        """Names of ``kind`` that skills provide (known from manifests)."""
        return list(self._fast().providers.get(kind, {}))

    def routes(self, kind: str) -> list[Candidate]:
        """The ``url_patterns`` of every engine of ``kind`` whose winning skill
        could run here (usable, and trusted: a project's patterns do not route
        URLs until ``kurt trust``), from manifests; nothing is imported."""
        from kurt.routing import Candidate

        found = []
        for name in self._fast().providers.get(kind, {}):
            record = self.provider(kind, name)
            if record is None or not record.usable or not self._shown_trusted(record):
                continue
            for provided in record.provides:
                if (provided.kind, provided.name) == (kind, name):
                    found += [
                        Candidate(name, record.name, pattern, record.source, provided.priority)
                        for pattern in provided.url_patterns
                    ]
        return found

    def resolve(self, kind: str, name: str) -> None:
        """Load the skill providing ``name`` (it registers itself), or do nothing."""
        record = self.provider(kind, name)
        if record is None:
            # Not "unknown" when a skill that could not be read would be it:
            # say what is wrong with its SKILL.md (exit 1), not "no such name".
            unread = self.unreadable(name)
            if unread is not None:
                self.check_usable(unread)
            return
        quick = self._fast()
        if quick is not self._full and not all(
            quick.fresh(r) for r in self._closure(quick, record)
        ):
            # A manifest this run uses changed since it was cached: scan everything.
            self._quick = self._full = None
            self.catalog()
            record = self.provider(kind, name)
            if record is None:
                return
        self.load(record)

    @staticmethod
    def _closure(catalog: Catalog | QuickCatalog, record: SkillRecord) -> list[SkillRecord]:
        """``record`` and every skill it requires, directly or not (no order)."""
        found = [record]
        for current in found:
            for needed in current.requires_skills:
                dependency = catalog.find(needed)
                if dependency is not None and dependency not in found:
                    found.append(dependency)
        return found

    # -- loading ------------------------------------------------------------------

    def load(self, record: SkillRecord) -> None:
        """Import ``record``'s code, and the skills it requires first; once."""
        if record.name in self._loaded:
            return
        if record.name in self._failed:
            raise self._failed[record.name]
        for required in self._load_order(record):
            self._load_one(required)

    def _load_order(self, record: SkillRecord) -> list[SkillRecord]:
        """``record`` and its ``requires_skills`` (transitively), dependencies first."""
        from kurt.skills.catalog.precedence import order_by_requirements

        catalog = self._fast()
        closure = self._closure(catalog, record)
        order = order_by_requirements({r.name: r.requires_skills for r in closure})
        by_name = {r.name: r for r in closure}
        return [by_name[name] for name in order]

    def _load_one(self, record: SkillRecord) -> None:
        from kurt.skills.loader import load_skill

        if record.name in self._loaded:
            return
        if record.name in self._failed:
            raise self._failed[record.name]
        self.check_usable(record)
        self.check_environment(record)
        self.check_trusted(record)
        if self.before_load is not None:
            self.before_load(record)
        if record.provides:
            try:
                load_skill(record)
            except SkillError as exc:
                self._failed[record.name] = exc
                raise
        self._loaded.add(record.name)

    def lifespans(self, skill: str) -> list[SkillLifespan]:
        """The lifespans to enter before ``skill``'s code runs: those of the
        skills it requires, in load order, then its own
        (:data:`kurt.core.lifespan.Finder`). Asked once its code is loaded."""
        from kurt.core.lifespan import SkillLifespan
        from kurt.skills.loader import CODE_FILE, lifespan_of

        return [
            SkillLifespan(record.name, lifespan_of(record), str(record.path / CODE_FILE))
            for record in self._load_order(self.record(skill))
        ]

    def import_code(self, record: SkillRecord) -> None:
        """Import ``record``'s code to validate it, whatever its enabled state
        (its required skills load as usual); the trust check still applies."""
        from kurt.skills.loader import load_skill

        self.check_trusted(record)
        for required in self._load_order(record)[:-1]:
            self._load_one(required)
        if record.provides:
            load_skill(record)

    def check_usable(self, record: SkillRecord) -> None:
        """Raise a clear SkillError when ``record`` is disabled, invalid or shadowed."""
        if record.status == "disabled":
            # Name the file that disables it, and the edit that fixes that file.
            file = self.config.decided_by(record.name) or self.locations.project_file
            user = file is not None and file == self.locations.user_file
            raise SkillError(
                f"skill '{record.name}' is disabled in kurt.toml "
                f"({_REASONS.get(record.reason, record.reason)})",
                file=file or self.locations.user_file,
                hint="enable it with: kurt config skills enable "
                + ("--user " if user else "")
                + record.name,
            )
        if record.status == "shadowed":
            raise SkillError(
                f"skill '{record.name}' at {record.path} is shadowed by {record.shadowed_by}"
            )
        if record.status == "unusable":
            self._unusable(record, list(record.unmet))
        errors = record.errors
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise SkillError(
                f"skill '{record.name}' is invalid: {first.message}{more}",
                file=first.file or record.manifest_path,
                line=first.line,
                hint=f"run: kurt skill validate {_known_as(record)}",
            )

    def models(self) -> ConfiguredModels:
        """What ``requires_llm`` is checked against: this project's ``[llm]
        model`` and each skill's own (kurt.toml read anew by each new one)."""
        from kurt.config.llm import ConfiguredModels

        return ConfiguredModels(self.locations)

    def check_environment(self, record: SkillRecord) -> None:
        """``requires_python``, ``requires``, ``requires_env`` and ``requires_llm``
        hold on this machine, for this project."""
        from kurt.skills.environment import environment_problems

        problems = environment_problems(record, self.models())
        if problems:
            self._unusable(record, problems)

    @staticmethod
    def _unusable(record: SkillRecord, problems: list[SkillProblem]) -> None:
        """Refuse to run ``record``, in the words of its listing's problem."""
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SkillError(
            f"skill '{record.name}' cannot run here: {first.message}{more}",
            file=first.file,
            line=first.line,
            hint=first.hint or f"run: kurt skill validate {_known_as(record)}",
        )

    def is_trusted(self, record: SkillRecord) -> bool:
        """Whether ``record``'s code may run: installed skills always; a
        project's own (``project``, and ``path`` from the project's kurt.toml)
        only in a project the user trusts."""
        return not self.needs_trust(record) or self.project_trusted()

    def project_trusted(self) -> bool:
        """Whether the user trusts this project (read once per manager); an
        unreadable trust record trusts nothing and is reported once on stderr."""
        if self._project_trusted is None:
            from kurt.config.trust import is_trusted_or_report

            root = self.locations.project_root
            self._project_trusted = root is not None and is_trusted_or_report(
                self.locations.trust_file, root
            )
        return self._project_trusted

    def reads_settings(self, source: str) -> bool:
        """Whether a skill of ``source`` reads its settings from kurt.toml and
        the environment. Not one that comes with a project the user has not
        trusted: until ``kurt trust`` it gets its manifest's defaults only, so
        that a manifest is never a way to read the user's environment or the
        settings meant for the user's own skills (SPEC sections 3 and 9; an
        untrusted project's ``[skills].paths`` are not searched, so its only
        such skills are those of source ``project``)."""
        return source != "project" or self.project_trusted()

    def settings_sources(self, source: str) -> tuple[SkillsConfig, Mapping[str, str]]:
        """The kurt.toml settings and the environment a skill of ``source``
        resolves its settings from (:meth:`reads_settings`)."""
        if self.reads_settings(source):
            import os

            return self.config, os.environ
        return SkillsConfig(), {}

    def _shown_trusted(self, record: SkillRecord) -> bool:
        """:meth:`is_trusted` for listings, which must work even when the trust
        record is unreadable (running the skill then reports it)."""
        try:
            return self.is_trusted(record)
        except ConfigError:
            return False

    def needs_trust(self, record: SkillRecord) -> bool:
        return self._folder_needs_trust(record.source, str(record.path.parent))

    def _folder_needs_trust(self, source: str, folder: str) -> bool:
        """Whether skills of ``source`` found in ``folder`` come with the project."""
        if source == "project":
            return True
        if source != "path":
            return False
        project_roots = {str(p.path) for p in self.config.project_paths}
        user_roots = {str(p.path) for p in self.config.user_paths}
        return folder in project_roots or folder not in user_roots

    def untrusted_roots(self) -> frozenset[str]:
        """The search folders whose skills may not run here until ``kurt trust``."""
        from kurt.skills.catalog.search import search_roots

        roots = search_roots(self.locations, self.config, self.builtin_dir)
        needing = [str(r.path) for r in roots if self._folder_needs_trust(r.source, str(r.path))]
        try:
            if not needing or self.project_trusted():
                return frozenset()
        except ConfigError:
            pass  # listed as untrusted; running one of them reports the record
        return frozenset(needing)

    def check_trusted(self, record: SkillRecord) -> None:
        if self.is_trusted(record):
            return
        from kurt.config.trust import trusted_projects

        trusted_projects(self.locations.trust_file)  # a corrupt record: say that, and how to fix it
        root = self.locations.project_root
        raise UntrustedProjectError(
            f"skill '{record.name}' comes with the project at {root}, which you have not "
            "trusted, so its code does not run here",
            file=record.path / "skill.py",
            hint=f"review the project's skills, then trust it with: kurt trust {root}",
        )


_REASONS = {
    REASON_DISABLED_LIST: "listed in [skills].disabled",
    REASON_NOT_IN_ALLOW_LIST: "not listed in [skills].enabled",
}


def _known_as(record: SkillRecord) -> str:
    """The name to give ``kurt skill validate`` for ``record``: its folder's name
    when the manifest gives another (the mismatch may be the very mistake)."""
    folder = Path(record.path).name
    if record.source in {"package", "builtin"}:  # a package's folder may have any name
        return record.name
    return folder
