"""A base for objects that hold a native resource: ``with`` closes them."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """Subclasses implement :meth:`close` (idempotent); ``with obj:`` calls it on exit."""

    def close(self) -> None:
        """Release the resource (idempotent)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
