"""The command-line face. Commands live in repurpose.commands.* and are imported only when run,
so `repurpose --help` stays fast; every expected failure becomes one line in `main`."""

from __future__ import annotations

import importlib
import sys
import traceback

import click

from repurpose import __version__
from repurpose.errors import RepurposeError
from repurpose.ui import error, state

# name -> (module holding `command`, short help); the order here is the order `--help` lists.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "repurpose.commands.init",
        "Write a starter workspace: repurpose.toml, templates/, schedules/.",
    ),
    "inspect": ("repurpose.commands.inspect", "Show what the reader understood of an article."),
    "render": (
        "repurpose.commands.render",
        "Render the email digest, social threads and FAQ snippet.",
    ),
    "check": (
        "repurpose.commands.check",
        "Render and fail on any breach: limits, size, unsubscribe, FAQ.",
    ),
    "count": ("repurpose.commands.count", "Count a text as each platform counts it."),
    "schedule": (
        "repurpose.commands.schedule",
        "Put an article's pieces on a publishing calendar.",
    ),
    "queue": ("repurpose.commands.queue", "List, inspect, cancel, retry and export outbox items."),
    "worker": ("repurpose.commands.worker", "Send outbox items when they are due."),
    "preview": ("repurpose.commands.preview", "See every piece in a browser, with live reload."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # command not built into this install
                return None
            raise
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help comes from the table above so listing commands imports nothing.
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="repurpose")
@click.option("-v", "--verbose", is_flag=True, help="Show debug output and tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="Only print results, warnings and errors.")
def cli(verbose: bool, quiet: bool) -> None:
    """Turn one long article into an email digest, social threads and an FAQ snippet,
    then schedule and send them.

    Colour is off when NO_COLOR is set or output is not a terminal.
    """
    state.verbose = verbose
    state.quiet = quiet and not verbose


def main(argv: list[str] | None = None) -> None:
    """Console entry point: the single place where exceptions become exit codes."""
    args = sys.argv[1:] if argv is None else argv
    state.verbose = state.verbose or "-v" in args or "--verbose" in args
    try:
        rv = cli.main(args=args, prog_name="repurpose", standalone_mode=False)
    except click.exceptions.Abort:
        error("aborted")
        sys.exit(130)
    except click.UsageError as exc:
        # One line, like every other error; the help is one flag away.
        where = exc.ctx.command_path if exc.ctx else "repurpose"
        error(f"{exc.format_message().rstrip('.')} (see '{where} --help')")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        error(exc.format_message())
        sys.exit(exc.exit_code)
    except RepurposeError as exc:
        if state.verbose:
            traceback.print_exc()
        error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug, not a user error: say so, keep the traceback for -v
        if state.verbose:
            traceback.print_exc()
        error(f"unexpected {type(exc).__name__}: {exc} (run with -v for the traceback)")
        sys.exit(70)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
