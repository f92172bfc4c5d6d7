"""What the command line needs of the process: error lines, argv order, a closed stdout pipe."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from newsearch.errors import NewsearchError

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # what click.echo strips off a non-terminal


def echo(text: str, err: bool = False) -> None:
    """A line on stdout (stderr with ``err``) as click.echo writes it, without loading click."""
    stream = sys.stderr if err else sys.stdout
    if "\x1b" in text and not _isatty(stream):
        text = _ANSI.sub("", text)
    stream.write(text + "\n")
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # noqa: BLE001 - a closed or odd stream is no terminal (as click has it)
        return False


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a NewsearchError into one `Error:` line and a hint on stderr, exit code 1.

    SystemExit rather than typer.Exit: typer passes it through, to the same exit code.
    """
    try:
        yield
    except NewsearchError as exc:
        echo(f"Error: {exc}", err=True)
        if exc.hint:
            echo(f"Hint: {exc.hint}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt as exc:
        report = getattr(exc, "report", None)
        if getattr(exc, "rebuilding", False):
            echo("Interrupted: the rebuild was dropped; the old index is unchanged.", err=True)
        elif report is not None:
            echo(
                f"Interrupted: {report.indexed} article(s) of this run were committed and kept; "
                f"the index holds {report.documents}. Run the same command again to finish.",
                err=True,
            )
        else:
            echo("Interrupted.", err=True)
        raise SystemExit(130) from None


def hoist_index(argv: list[str]) -> list[str]:
    """``-i DIR`` / ``--index DIR`` given after the command, moved before it (where typer reads
    it): people type `newsearch query oil -i ix` as often as `newsearch -i ix query oil`."""
    front: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest += [arg, *args]
        elif arg in ("-i", "--index"):
            front += [arg, next(args, "")]
        elif arg.startswith("--index="):
            front.append(arg)
        else:
            rest.append(arg)
    return front + rest


class ClosedPipeIsDone:
    """stdout that ends the program quietly, exit 0, once its reader has gone away.

    A reader that has seen enough (`newsearch query oil | head -1`) is no error; click would
    exit 1 on the broken pipe.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._done()
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._done()
            raise

    def _done(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())  # nothing more may reach the closed pipe
        sys.exit(0)
