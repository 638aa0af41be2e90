"""Parse a large file in a second process while this one writes to the database.

Parsing a CSV row costs about as much CPU as storing it, and both ran one after the other on
one core. For a large import the parser's iterator is handed to a forked child instead: the
child reads, validates and sorts each chunk into a `Batch` (no database: the parsers never
touch it) and sends it through a pipe, while the parent stores the previous chunk. The pipe
holds at most about one chunk, so the child stays a chunk ahead and memory stays flat.

Rows travel as the calls that rebuild them, and each agent once per chunk (`encode`): the
default pickling of the dataclasses cost about as much as parsing them. Whatever the parser
raises in the child (a broken CSV half-way, say) is raised again in the parent after the
batches before it, as it would have been in one process, so the chunks already stored stay
stored, exactly as without the child.

Only where `os.fork` exists; elsewhere, and below `parallel_rows()`, everything stays in one
process. The child inherits the database connection but never uses it and leaves through
`os._exit`, so nothing of it is closed or flushed twice.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection, Pipe
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _

from everyweek.integrations.importers.base import AgentRef, Batch, ResponseRow

# ResponseRow's fields in declaration order, so `ResponseRow(*fields)` rebuilds it.
_fields_of = attrgetter(*ResponseRow.__dataclass_fields__)

# How this pipe pickles rows: as the call that rebuilds them, which the unpickler makes in C.
# (The default for a slots dataclass goes through copyreg and sets each slot in turn.)
_REDUCE: dict[type, Callable[[Any], tuple[Any, ...]]] = {
    ResponseRow: lambda row: (ResponseRow, _fields_of(row)),
    AgentRef: lambda ref: (AgentRef, (ref.external_id, ref.email, ref.name)),
}


def parallel_rows() -> int:
    """Imports of at least this many rows (estimated) parse in a child process; 0 never."""
    from everyweek.env import envint

    return envint("EVERYWEEK_IMPORT_PARALLEL_ROWS", 100_000)


def available() -> bool:
    return hasattr(os, "fork")


def encode(batch: Batch) -> bytes:
    # One object per agent, so the pickle sends each agent once per batch, not once per row.
    agents: dict[tuple[str, str, str], AgentRef] = {}
    for row in batch.responses:
        ref = row.agent
        if ref is not None:
            row.agent = agents.setdefault((ref.external_id, ref.email, ref.name), ref)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCE
    pickler.dump((batch.size, batch.responses, batch.interactions, batch.problems, batch.skipped))
    return out.getvalue()


def decode(data: bytes) -> Batch:
    size, responses, interactions, problems, skipped = pickle.loads(data)  # noqa: S301 - our own child's bytes
    return Batch(size, responses, interactions, problems, skipped)


def batches_in_child(make: Callable[[], Iterator[Batch]]) -> Generator[Batch, None, None]:
    """The batches of `make()`, produced in a forked child; errors re-raised here, in order."""
    receive, send = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child
        receive.close()
        os._exit(_produce(make, send))
    send.close()
    try:
        yield from _consume(receive)
    finally:
        receive.close()  # a child still writing gets EPIPE and leaves
        _reap(pid)


def _produce(make: Callable[[], Iterator[Batch]], send: Connection) -> int:
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a worker's graceful-stop handler
        try:
            for batch in make():
                send.send_bytes(b"B" + encode(batch))
        except (BrokenPipeError, ConnectionResetError):
            return 0  # the parent stopped reading: it is failing or finished
        except BaseException as exc:  # everything goes back to the parent
            send.send_bytes(b"E" + _pickled_error(exc))
            return 0
        send.send_bytes(b"D")
        return 0
    except BaseException:  # a child must never return into the parent's code
        return 1


def _pickled_error(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # noqa: S301 - checking our own bytes round-trip
        return data
    except Exception:  # an exception that does not pickle still gets through
        text = "".join(traceback.format_exception_only(exc)).strip()
        message = _("The file could not be read: %(error)s") % {"error": text}
        return pickle.dumps(RuntimeError(message))


def _consume(receive: Connection) -> Iterator[Batch]:
    while True:
        try:
            message = receive.recv_bytes()
        except EOFError:
            raise RuntimeError(_("The file reader stopped unexpectedly.")) from None
        kind, body = message[:1], message[1:]
        if kind == b"B":
            yield decode(body)
        elif kind == b"E":
            error: Any = pickle.loads(body)  # noqa: S301 - our own child's bytes
            raise error
        else:
            return


def _reap(pid: int) -> None:
    try:
        finished, _status = os.waitpid(pid, os.WNOHANG)
        if not finished:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
