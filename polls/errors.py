"""The one error type of the observation layer: every problem with an election's data files."""

from __future__ import annotations

__all__ = ["DataError"]


class DataError(ValueError):
    """Bad or inconsistent election data, located as precisely as the problem allows.

    The message names the file, the data row (1 = the first row under the header, with the
    file's line number) and the field, so that a user can open the file and fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.row = row
        self.line = line
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.reason
