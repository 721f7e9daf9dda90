"""The ``sop`` group, its global options and the one place errors are turned into messages."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from soplib.store import Store


class SopGroup(click.Group):
    """A click group that turns every soplib error into one line and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 reach Python as lone surrogates; refused here,
        # once, they cannot fail later in a commit message or a JSON record.
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise click.UsageError(
                    f"argument {arg!r} is not valid UTF-8 text; sop takes UTF-8 text and file names"
                ) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from soplib.errors import SopError

        try:
            return super().invoke(ctx)
        except SopError as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written by the step that was running", status=130)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        except Exception as exc:  # a bug: still no traceback unless asked for
            if os.environ.get("SOP_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); set SOP_DEBUG=1 for the traceback")


def _fail(message: str, *, status: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def open_store(ctx: click.Context) -> Store:
    """The store named by ``--store`` (or ``$SOP_STORE``, or ``./sop-store``)."""
    from soplib.store import Store

    store = Store.open(ctx.obj["store"])
    ctx.call_on_close(store.close)
    return store


def by_option(f: Any) -> Any:
    """``--by ID``: the acting person, required on every write (or ``$SOP_BY``)."""
    return click.option(
        "--by",
        "by",
        envvar="SOP_BY",
        required=True,
        metavar="ID",
        help="Who is acting (staff id); recorded as the commit author. Default: $SOP_BY.",
    )(f)


def json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/cli.md).")(f)


@click.group(cls=SopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    envvar="SOP_STORE",
    default="sop-store",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The store (a git repository). Default: $SOP_STORE, else ./sop-store.",
)
@click.version_option(package_name="soplib", prog_name="sop")
@click.pass_context
def main(ctx: click.Context, store: Path) -> None:
    """soplib: SOPs as versioned Markdown in git: reviewed, approved, acknowledged, audited."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


def _register() -> None:
    # Imported here (not at the top) so each module can import `main` helpers.
    from soplib.cli import ack, audit, core, demo, review, staff

    for module in (core, demo, review, staff, ack, audit):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
