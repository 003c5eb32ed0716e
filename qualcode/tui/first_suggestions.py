"""The workbench's first suggestions, worked out in a forked process while the workbench paints.

Before the first suggestions can be listed, spaCy has to be imported and the codebook's matchers built:
about 1.3 s of Python that, in the workbench's own process, could only start after the first paint (it
would hold up the paint otherwise). A process forked before the workbench starts does it on the other
core at the same time, then waits for the name of the transcript the workbench opens, sends back that
transcript's suggestions from the codebook (nothing is trained before the first list) and exits. The
workbench's own model is loaded and trained as before; this only brings its first list forward.

It is an optimisation only: where ``fork`` is not available, when threads are already running (a fork
would copy their locks), or when the forked process fails or is slow, the workbench works the list out
itself. The forked process never writes to the terminal, and to the project only what opening it writes
(an older schema is upgraded in one locked transaction by whichever process opens it first).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import ForkProcess

    from qualcode.tui.suggestion_service import SuggestionBatch

IDLE_SECONDS = 120.0  # the forked process gives up when no transcript is opened in this time
WAIT_SECONDS = 20.0  # the workbench works the list out itself when the answer takes longer


def _serve(connection: Connection, workbench_end: Connection, path: Path, coder: str) -> None:
    """In the forked process: get ready, answer one request, exit."""
    # The copy of the workbench's end would keep the pipe open after the workbench is gone (killed, say),
    # and this process would wait out IDLE_SECONDS holding the project open.
    workbench_end.close()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the terminal belongs to the workbench; warnings must not draw on it
        os.dup2(devnull, fd)
    from qualcode.tui.suggestion_service import SuggestionService

    service = SuggestionService(path, coder)
    try:
        service.warm()
        if connection.poll(IDLE_SECONDS):
            transcript = connection.recv()
            connection.send(service.batch(transcript))
    except (EOFError, OSError):  # the workbench has gone (or closed its end): nothing to answer
        pass
    except Exception:  # any other failure: the workbench works the list out itself
        with suppress(EOFError, OSError):
            connection.send(None)
    finally:
        service.close()
        connection.close()


class FirstSuggestions:
    """A forked process that prepares the first list of suggestions for one coder of one project.

    :meth:`batch` (in a worker thread) and :meth:`close` (on the UI thread, when the workbench quits) may
    run at the same time; only one of them closes the pipe, never while the other still reads it.
    """

    def __init__(self, process: ForkProcess, connection: Connection, coder: str) -> None:
        self.coder = coder
        self._process = process
        self._connection = connection
        self._lock = threading.Lock()
        self._asking = False
        self._ended = False

    @classmethod
    def start(cls, path: Path, coder: str) -> FirstSuggestions | None:
        """Fork the process, or return None where forking is not safe or not possible."""
        if "fork" not in multiprocessing.get_all_start_methods() or _threads() > 1:
            return None
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        # daemon: never keeps the workbench from exiting (multiprocessing ends it at exit)
        process = context.Process(
            target=_serve, args=(theirs, ours, path, coder), name="qualcode-first-suggestions", daemon=True
        )
        try:
            process.start()
        except OSError:  # out of processes or memory: not worth a message
            ours.close()
            theirs.close()
            return None
        theirs.close()
        return cls(process, ours, coder)

    def batch(self, transcript: str, timeout: float = WAIT_SECONDS) -> SuggestionBatch | None:
        """Ask for one transcript's first suggestions and wait for them (None: work them out yourself).

        Only the first request is answered; later calls return None at once.
        """
        with self._lock:
            if self._ended:
                return None
            self._asking = True
        connection = self._connection
        answered = False
        try:
            connection.send(transcript)
            if connection.poll(timeout):
                found: SuggestionBatch | None = connection.recv()
                answered = True
                if found is not None and found.transcript == transcript:
                    return found
        except (EOFError, OSError):  # ended before it answered
            pass
        finally:
            with self._lock:
                self._asking, self._ended = False, True
            self._end(answered)
        return None

    def close(self) -> None:
        """End the process if it is still there (its answer, if any, is not wanted any more)."""
        with self._lock:
            if self._ended:
                return
            if self._asking:  # ending the process wakes batch(), which closes the pipe itself
                self._process.terminate()
                self._wait_for_exit()
                return
            self._ended = True
        self._end(answered=False)

    def _end(self, answered: bool) -> None:
        # After its answer the process closes its project connection and exits by itself; otherwise it is
        # ended. Either way it is gone before this returns, so the workbench's own connection is the last
        # to close and folds the write-ahead log back into the project file.
        if answered:
            self._process.join(timeout=0.5)
        if self._process.is_alive():
            self._process.terminate()
            self._wait_for_exit()
        self._process.join(timeout=1)
        self._connection.close()

    def _wait_for_exit(self) -> None:
        if not wait([self._process.sentinel], timeout=1):
            self._process.kill()  # a stopped process ignores SIGTERM until it is continued
            wait([self._process.sentinel], timeout=1)


def _threads() -> int:
    """Threads in this process, the interpreter's and native ones (a maths library's, say), where known."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()
