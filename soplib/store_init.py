"""The first commit of a store: the format marker, and the office profile it starts with."""

from __future__ import annotations

from dataclasses import dataclass

from soplib.ops import Context, Operation, operation
from soplib.values import utc_text

MARKER = "soplib-store.json"
FORMAT = 2
"""Format 2: every commit carries its operation (``Sop-Op``). Format 1 stores (soplib 0.1) have none."""


@operation("init")
@dataclass(frozen=True)
class InitStore(Operation):
    """Create the store: the marker file and, if given, the first office settings."""

    language: str | None = None
    time_zone: str | None = None
    office_name: str | None = None

    def apply(self, ctx: Context) -> None:
        from soplib.errors import RefusedError

        if ctx.tx.commit is not None or ctx.tx.exists(MARKER):
            raise RefusedError("the store already exists; init is only its first commit")
        ctx.tx.write_json(MARKER, {"format": FORMAT, "created": utc_text(ctx.at)})
        if self.language or self.time_zone or self.office_name:
            from soplib.authority.office import Profile, stage_profile

            if self.language not in (None, "id", "en"):
                from soplib.errors import InvalidInputError

                raise InvalidInputError("unknown language {lang}: use id or en", lang=repr(self.language))
            profile = Profile(name=self.office_name, language=self.language, time_zone=self.time_zone)  # type: ignore[arg-type]
            stage_profile(ctx, profile)
        ctx.subject = "Create soplib store"
