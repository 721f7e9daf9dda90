"""The ``sop`` group, its global options, and the one place errors become messages.

Exit status: 0 done; 1 the library refused or failed (one line on stderr, in
the chosen language); 2 a usage error (an unknown option, a value of the wrong
form such as a malformed date); 130 interrupted (Ctrl-C). A closed pipe
(``sop coverage | head -1``) ends the command quietly.

The language of everything printed: ``--lang``, else ``$SOP_LANG``, else the
office profile's language, else English. Help texts are translated when shown.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soplib.i18n import DEFAULT, N_, _, current_language, use_language

if TYPE_CHECKING:
    from soplib.store import Store


@contextlib.contextmanager
def _translated_help(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """Translate a command's help and its options' help (``--help`` too) for the time it is shown."""
    saved: list[tuple[Any, str, Any]] = []
    try:
        for obj in (command, *command.get_params(ctx)):
            for attr in ("help", "short_help"):
                value = getattr(obj, attr, None)
                if isinstance(value, str) and value:
                    saved.append((obj, attr, value))
                    setattr(obj, attr, help_text(value))
        yield
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)


# click's own help texts and headings, shown in our language (click itself speaks only English).
CLICK_TEXTS = (
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Usage:"),
    N_("Options"),
    N_("Positional arguments"),
    N_("Commands"),
)


def help_text(text: str) -> str:
    """A help text (a command's docstring, an option's ``help=N_(...)``) in the current language.

    The catalogue holds docstrings as :func:`inspect.cleandoc` leaves them (what
    ``soplib.catalogues`` extracts), so the text is cleaned before the lookup.
    English is the source language: no catalogue is read for it (``sop --help`` stays fast).

    >>> help_text("Print JSON (schema in docs/cli.md).")
    'Print JSON (schema in docs/cli.md).'
    """
    if current_language() == DEFAULT:
        return text
    import inspect

    return _(inspect.cleandoc(text))


class _HelpFormatter(click.HelpFormatter):
    """click's formatter with the usage prefix and the section headings in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, help_text("Usage:") + " " if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(help_text(name))


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _TranslatedHelp(click.Command):
    """Help (texts, usage line, section headings) in the current language; mixed into the CLI's classes."""

    context_class = _Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):
            super().format_help(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # A group's command list: each command's translated help, its first paragraph.
        rows = []
        if not isinstance(self, click.Group):
            return
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                first = help_text(cmd.help).split("\n\n", 1)[0] if cmd.help else ""
                rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class SopCommand(_TranslatedHelp, click.Command):
    """A command whose help is translated when shown."""


class SopSubGroup(_TranslatedHelp, click.Group):
    """A command group (``sop review``, ``sop audit``) whose help is translated when shown."""

    command_class = SopCommand


SopSubGroup.group_class = SopSubGroup


def _language(ctx: click.Context) -> str:
    """The language of everything shown; also records the documents' language.

    Documents (prints, reports, packs) are the office's: in ``--lang``/``$SOP_LANG``
    when given, else the office profile's language, else Bahasa Indonesia (the
    language an SOP AP is written in), while messages default to English.
    """
    lang = ctx.params.get("lang") or os.environ.get("SOP_LANG")
    ctx.meta["soplib.document_language"] = lang if lang in ("id", "en") else "id"
    if lang:
        return str(lang)
    store = ctx.params.get("store")
    with contextlib.suppress(Exception):  # no store yet, or unreadable: the message comes later
        from soplib.store import Store

        if store is not None and (Path(store) / "HEAD").is_file():
            opened = Store.open(store)
            ctx.call_on_close(opened.close)
            ctx.meta["soplib.store"] = opened  # the command uses this one (open_store)
            snap = opened.snapshot()
            if snap.exists("office/profile.json"):
                raw = snap.read_json("office/profile.json")
                if isinstance(raw, dict) and raw.get("language") in ("id", "en"):
                    ctx.meta["soplib.document_language"] = str(raw["language"])
                    return str(raw["language"])
    return "en"


class SopGroup(_TranslatedHelp, click.Group):
    """The ``sop`` group: sets the language, turns every soplib error into one line."""

    command_class = SopCommand
    group_class = SopSubGroup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 reach Python as lone surrogates; refused here,
        # once, they cannot fail later in a commit message or a JSON record.
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise click.UsageError(_("argument {arg} is not valid UTF-8 text", arg=repr(arg))) from None
        # `sop --help` (and a usage error) is shown while parsing, before invoke() sets the language.
        with use_language(_early_language(args, self)):
            return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in LAZY:
            import importlib

            module = importlib.import_module(f"soplib.cli.{LAZY[name]}")
            for command in module.COMMANDS:
                self.commands.setdefault(command.name or "", command)
        return self.commands.get(name)

    def invoke(self, ctx: click.Context) -> Any:
        from soplib.errors import SopError
        from soplib.i18n import translator

        lang = _language(ctx)
        with use_language(lang if lang in ("id", "en") else "en"):
            try:
                return super().invoke(ctx)
            except SopError as exc:
                _fail(exc.localized(translator()))
            except click.exceptions.Exit:
                raise
            except click.ClickException:
                raise
            except (KeyboardInterrupt, click.Abort):
                _fail(_("interrupted; nothing was written by the step that was running"), status=130)
            except BrokenPipeError:
                _quiet_exit()
            except OSError as exc:
                _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
            except Exception as exc:  # a bug: still no traceback unless asked for
                if os.environ.get("SOP_DEBUG"):
                    raise
                _fail(
                    _(
                        "internal error ({kind}: {reason}); set SOP_DEBUG=1 for the traceback",
                        kind=type(exc).__name__,
                        reason=exc,
                    )
                )


def _early_language(args: list[str], group: click.Group) -> str:
    """The language ``--lang``/``$SOP_LANG`` name among the group's own options, else English."""
    lang = os.environ.get("SOP_LANG")
    for i, arg in enumerate(args):
        if arg in LAZY or arg in group.commands:
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in ("id", "en") else "en"


def _quiet_exit() -> None:
    # The reader went away (`| head`): stop without a message, and without a
    # second BrokenPipeError when Python flushes stdout on exit.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def _fail(message: str, *, status: int = 1) -> None:
    with contextlib.suppress(BrokenPipeError):
        click.echo(_("error: {message}", message=message), err=True)
    sys.exit(status)


def open_store(ctx: click.Context) -> Store:
    """The store named by ``--store`` (or ``$SOP_STORE``, or ``./sop-store``)."""
    from soplib.store import Store

    opened = ctx.meta.get("soplib.store")
    if isinstance(opened, Store):
        return opened
    store = Store.open(ctx.find_root().obj["store"])
    ctx.call_on_close(store.close)
    ctx.meta["soplib.store"] = store
    return store


def _require_by(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if not value:
        raise click.UsageError(
            _("missing --by ID: who is acting (a staff id); or set SOP_BY once for the session")
        )
    return value


def by_option(f: Any) -> Any:
    """``--by ID``: the acting person, required on every write (or ``$SOP_BY``)."""
    return click.option(
        "--by",
        "by",
        envvar="SOP_BY",
        metavar="ID",
        callback=_require_by,
        help=N_("Who is acting (staff id); recorded as the commit author. Default: $SOP_BY."),
    )(f)


def json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help=N_("Print JSON (schema in docs/cli.md)."))(f)


@click.group(cls=SopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    envvar="SOP_STORE",
    default="sop-store",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=N_("The store (a git repository). Default: $SOP_STORE, else ./sop-store."),
)
@click.option(
    "--lang",
    "lang",
    envvar="SOP_LANG",
    type=click.Choice(["id", "en"]),
    help=N_("Language of messages and documents (id, en). Default: $SOP_LANG, else the office profile's."),
)
@click.version_option(package_name="soplib", prog_name="sop")
@click.pass_context
def main(ctx: click.Context, store: Path, lang: str | None) -> None:
    """soplib: SOPs as versioned Markdown in git: reviewed, approved, acknowledged, audited."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["lang"] = lang


# Command name -> the module defining it. Modules are imported when their command
# runs (or help is shown), not at start-up: `sop show` must not pay for all of them.
LAZY = {
    "init": "core", "add": "core", "update": "core", "list": "core", "show": "core", "history": "core",
    "diff": "core", "office": "authority", "grant": "authority", "revoke": "authority", "grants": "authority",
    "demo": "demo", "review": "review", "staff": "staff", "ack": "ack", "briefing": "ack", "coverage": "ack",
    "pending": "ack", "audit": "audit", "due": "audit", "print": "audit", "blame": "audit",
    "clone": "sync", "remote": "sync", "sync": "sync", "import": "word", "export": "word",
}  # fmt: skip
