"""The database, HTTP client and Kurt's configuration of one run, each opened
on first use.

A tool that touches none (most skills' tools) never pays for SQLAlchemy,
httpx or pydantic-settings: importing them and opening the database costs
more than the rest of a ``kurt tool run``. :class:`~kurt.core.context.ToolContext` reads ``db`` and
``http`` through :class:`RunResources`; whoever made it closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from kurt.core.llm import LlmClient


class RunResources:
    """The run's database and shared client, opened when first asked for.

    :meth:`aclose` closes what was opened.
    """

    def __init__(
        self,
        open_db: Callable[[], Any],
        open_http: Callable[[], httpx.AsyncClient],
        open_config: Callable[[], Any] | None = None,
        open_llm: Callable[[str | None], LlmClient] | None = None,
    ) -> None:
        self._open_db = open_db
        self._open_http = open_http
        self._open_config = open_config
        self._db: Any = None
        self._http: httpx.AsyncClient | None = None
        self._config: Any = None
        self._open_llm = open_llm
        self._llm: dict[str | None, LlmClient] = {}

    @property
    def config(self) -> Any:
        """Kurt's configuration (``None`` when none was given to open)."""
        if self._config is None and self._open_config is not None:
            self._config = self._open_config()
        return self._config

    @property
    def db(self) -> Any:
        if self._db is None:
            self._db = self._open_db()
        return self._db

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = self._open_http()
        return self._http

    def llm_for(self, skill: str | None) -> LlmClient | None:
        """``skill``'s language model client (``[llm]`` with the skill's own
        ``[skills.NAME.llm]``), made on first use; ``None`` when none can be."""
        client = self._llm.get(skill)
        if client is None and self._open_llm is not None:
            client = self._llm[skill] = self._open_llm(skill)
        return client

    def opened_llm(self, skill: str | None) -> LlmClient | None:
        """``skill``'s client if :meth:`llm_for` made it already."""
        return self._llm.get(skill)

    @property
    def opened(self) -> list[str]:
        """Which resources were opened (``"db"``, ``"http"``), for tests and debugging."""
        pairs = (("db", self._db), ("http", self._http))
        return [name for name, value in pairs if value is not None]

    async def aclose(self) -> None:
        """Close the client and the database, if they were opened; both, even if one fails."""
        http, self._http = self._http, None
        db, self._db = self._db, None
        try:
            if http is not None:
                await http.aclose()
        finally:
            if db is not None:
                db.close()
