"""Deadlines without signals: run a function in a warm worker process, kill it if late.

A Python thread cannot be stopped and a SIGALRM timer works only in the main thread, so
neither keeps a hung ``sympy`` parse of ``10^{10^{10}}`` from stalling a training loop
that verifies from threads or an event loop. Here a call is pickled to a warm worker
over a pipe and the caller waits on the pipe; at the deadline it SIGKILLs the worker's
process group, reaps it and answers ``status="timeout"``, and a successor starts in a
background thread (a call that comes before it is ready waits for it).

- Timeouts, worker crashes (segfault, ``os._exit``, the OOM killer) and unpicklable
  functions, arguments or results are `DeadlineResult` statuses, never exceptions. Caller
  bugs raise: a bad deadline, a closed pool, an unpicklable initializer.
- Once it has a worker, a call returns within ``deadline_s`` plus a few milliseconds.
  Waiting for a worker (all busy, or one starting: the first call starts one and runs the
  initializer) is not counted and has no limit of its own.
- Thread-safe (a condition variable guards the idle list), asyncio-safe (`arun` waits in
  a thread) and process-safe: a pool belongs to the process that made it, and a forked
  child starts its own workers, never touching its parent's.
- No worker outlives its pool: `close`, garbage collection and interpreter exit kill them;
  a worker whose parent died kills itself when EOF reaches a lifeline pipe only the parent
  holds (a task stuck in C code that holds the GIL delays this until it returns).

Workers never re-run the caller's main script (spawn and forkserver children would, by
default: an unguarded training script would start again in every worker), so the
functions they run must live in importable modules, not in ``__main__``.

Workers come from the ``forkserver`` start method (a fork of a small single-threaded
server: safe in a threaded parent, a few ms), else ``spawn`` (~40 ms). POSIX only (process
groups, SIGKILL). This is not a sandbox: workers run as the caller, with its files and
network; ``memory_mb`` caps only their address space.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import math
import multiprocessing
import multiprocessing.util  # imported before our atexit hook, so ours runs before its joins
import os
import pickle
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

from stepscore.errors import StepscoreError, UnknownNameError

__all__ = [
    "DeadlinePool",
    "DeadlineResult",
    "configure_default_pool",
    "default_pool",
    "run_with_deadline",
]

log = logging.getLogger(__name__)

_PROTOCOL = 5
_START_METHODS = ("forkserver", "spawn")  # not "fork": unsafe in a threaded parent
_START_TIMEOUT_S = 300.0  # a worker whose initializer is not done by then has failed
_REAP_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """One call's outcome: ``value`` if ``"ok"``; ``error`` ("ExcType: message") if ``"error"``.

    A crashed worker reads e.g. ``WorkerDied: killed by SIGSEGV``; ``elapsed_s`` runs
    from dispatch to the answer (waiting for a free worker is not included).
    """

    status: Literal["ok", "timeout", "error"]
    value: Any = None
    error: str | None = None
    elapsed_s: float = 0.0


class _StartFailed(StepscoreError):
    """A worker did not start; callers get it as an error result, never raised."""


def _describe(exc: BaseException) -> str:
    try:
        detail = str(exc)
    except Exception:  # a task's exception may have a broken __str__
        detail = ""
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text if len(text) <= 500 else text[:497] + "..."


def _error(message: str) -> bytes:
    return pickle.dumps(("error", message), _PROTOCOL)


# -- in the worker process ----------------------------------------------------------------


def _worker_main(
    conn: Connection,
    lifeline: Connection,
    initializer: Callable[[], Any] | None,
    memory_mb: int | None,
    max_result_bytes: int | None,
) -> None:
    """Serve tasks from ``conn`` until the pool closes it or the parent dies."""
    try:
        os.setpgid(0, 0)  # own group: a kill also takes whatever the task started
        threading.Thread(target=_die_with_parent, args=(lifeline,), daemon=True).start()
        if memory_mb is not None:
            import resource

            limit = memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if initializer is not None:
            initializer()
        conn.send_bytes(pickle.dumps(("ready", None), _PROTOCOL))
    except BaseException as exc:
        conn.send_bytes(_error(f"WorkerStartFailed: {_describe(exc)}"))
        return
    with contextlib.suppress(EOFError, OSError):  # EOF: the pool retired us
        while True:
            conn.send_bytes(_answer(conn.recv_bytes(), max_result_bytes))


def _die_with_parent(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # the parent never writes: this returns when it is gone
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os._exit(1)


def _answer(request: bytes, max_result_bytes: int | None) -> bytes:
    try:
        fn, args, kwargs = pickle.loads(request)
        value = fn(*args, **kwargs)
    except BaseException as exc:  # the task's failure (even SystemExit) is data
        return _error(_describe(exc))
    try:
        reply = pickle.dumps(("ok", value), _PROTOCOL)
    except BaseException as exc:
        return _error(f"UnpicklableResult: {_describe(exc)}")
    if max_result_bytes is not None and len(reply) > max_result_bytes:
        return _error(f"ResultTooLarge: {len(reply)} bytes pickled, limit {max_result_bytes}")
    return reply


# -- in the caller's process --------------------------------------------------------------


class _Worker:
    """A worker process and the parent's ends of its task pipe and its lifeline."""

    __slots__ = ("conn", "killed", "lifeline", "owner", "proc", "tasks")

    def __init__(self, proc: Any, conn: Connection, lifeline: Connection) -> None:
        self.proc, self.conn, self.lifeline = proc, conn, lifeline
        self.owner, self.tasks, self.killed = os.getpid(), 0, False

    def close_pipes(self) -> None:
        self.conn.close()
        self.lifeline.close()

    def kill(self) -> None:
        """SIGKILL the worker's process group and reap it, so no zombie is left."""
        if self.killed or self.owner != os.getpid():
            return  # once (its pid may be reused after); never a forking parent's worker
        self.killed = True
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.kill()
        self.proc.join(_REAP_TIMEOUT_S)
        self.close_pipes()

    def death(self) -> str:
        """Why the worker's pipe closed, e.g. ``WorkerDied: killed by SIGSEGV``."""
        self.proc.join(_REAP_TIMEOUT_S)
        code = self.proc.exitcode
        if code is None or code >= 0:
            return f"WorkerDied: exit code {code}"
        name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return f"WorkerDied: killed by {name}{hint}"

    def await_ready(self) -> None:
        """Wait until the worker's initializer has run; raise _StartFailed if it fails."""
        try:
            ready = self.conn.poll(_START_TIMEOUT_S)
            kind, message = pickle.loads(self.conn.recv_bytes()) if ready else ("late", "")
        except (EOFError, OSError):
            kind, message = "error", self.death()
        if kind == "late":
            message = f"WorkerStartFailed: not ready after {_START_TIMEOUT_S:.0f} s"
        if kind != "ready":
            raise _StartFailed(message)


def _kill_all(workers: set[_Worker]) -> None:
    for worker in list(workers):
        worker.kill()


_POOLS: weakref.WeakSet[DeadlinePool] = weakref.WeakSet()


class DeadlinePool:
    """Up to ``workers`` warm processes that run picklable functions under deadlines.

    Workers start on demand. ``initializer`` (module-level, no arguments) runs once in
    each, e.g. to import sympy; ``max_tasks_per_worker`` replaces a worker after that
    many calls, to shed leaks; ``memory_mb`` caps a worker's address space (a task that
    exceeds it gets MemoryError); ``max_result_bytes`` turns a bigger pickled result into
    an error, so a runaway result cannot flood the caller.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        start_method: str = "forkserver",
        initializer: Callable[[], Any] | None = None,
        max_tasks_per_worker: int | None = None,
        memory_mb: int | None = None,
        max_result_bytes: int | None = None,
    ) -> None:
        if start_method not in _START_METHODS:
            raise UnknownNameError("start method", start_method, _START_METHODS)
        limits = (workers, max_tasks_per_worker, memory_mb, max_result_bytes)
        if not all(n is None or (type(n) is int and n > 0) for n in limits):
            raise ValueError(f"workers and limits must be positive integers, not {limits}")
        pickle.dumps(initializer, _PROTOCOL)  # fail here, not in every worker
        if start_method not in multiprocessing.get_all_start_methods():
            start_method = "spawn"
        self._ctx = multiprocessing.get_context(start_method)
        self._workers, self._initializer = workers, initializer
        self._max_tasks, self._memory_mb = max_tasks_per_worker, memory_mb
        self._max_result_bytes = max_result_bytes
        self._closed = False
        self._adopt_process()
        _POOLS.add(self)

    def _adopt_process(self) -> None:
        """Start with no workers in this process; in a forked child, forget the parent's."""
        self._lock = threading.Lock()  # a fresh one: another thread may have held it
        self._cond = threading.Condition(self._lock)
        for worker in getattr(self, "_all", ()):
            worker.close_pipes()  # only our copies of the fds: the parent's workers live on
        self._all: set[_Worker] = set()  # every live worker: idle, busy or starting
        self._idle: list[_Worker] = []
        self._pid = os.getpid()
        self._finalizer = weakref.finalize(self, _kill_all, self._all)

    def __enter__(self) -> DeadlinePool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill every worker; calls still running on them return ``PoolClosed`` errors."""
        with self._cond:
            self._closed = True
            self._idle.clear()
            self._cond.notify_all()
        self._finalizer()

    @property
    def workers(self) -> int:
        """How many worker processes the pool runs at most."""
        return self._workers

    @property
    def closed(self) -> bool:
        return self._closed

    def run(
        self, fn: Callable[..., Any], /, *args: Any, deadline_s: float, **kwargs: Any
    ) -> DeadlineResult:
        """``fn(*args, **kwargs)`` in a worker, given up after ``deadline_s`` seconds."""
        _check_deadline(deadline_s)
        try:
            request = pickle.dumps((fn, args, kwargs), _PROTOCOL)
        except Exception as exc:  # pickling user objects can raise anything
            return DeadlineResult("error", error=f"UnpicklableTask: {_describe(exc)}")
        try:
            worker = self._checkout()
        except _StartFailed as exc:
            return DeadlineResult("error", error=str(exc))
        return self._exchange(worker, request, deadline_s)

    def map(
        self, fn: Callable[..., Any], items: Iterable[tuple[Any, ...]], *, deadline_s: float
    ) -> list[DeadlineResult]:
        """``run(fn, *item)`` for each item, up to ``workers`` at once, in input order."""
        _check_deadline(deadline_s)
        jobs = [tuple(item) for item in items]
        threads = min(self._workers, len(jobs))
        if threads <= 1:
            return [self.run(fn, *job, deadline_s=deadline_s) for job in jobs]
        with ThreadPoolExecutor(threads, thread_name_prefix="stepscore-deadline") as pool:
            return list(pool.map(lambda job: self.run(fn, *job, deadline_s=deadline_s), jobs))

    async def arun(
        self, fn: Callable[..., Any], /, *args: Any, deadline_s: float, **kwargs: Any
    ) -> DeadlineResult:
        """`run` for asyncio callers: it waits in the loop's default executor, not the loop.

        Cancelling the awaiting task does not stop the call; it still ends by its deadline.
        """
        _check_deadline(deadline_s)
        return await asyncio.to_thread(self.run, fn, *args, deadline_s=deadline_s, **kwargs)

    def _exchange(self, worker: _Worker, request: bytes, deadline_s: float) -> DeadlineResult:
        start, on_time = time.perf_counter(), True
        try:
            worker.conn.send_bytes(request)
            on_time = worker.conn.poll(deadline_s - (time.perf_counter() - start))
            reply = worker.conn.recv_bytes() if on_time else None
        except (EOFError, OSError):
            reply = None
        except BaseException:  # e.g. KeyboardInterrupt: the worker's state is unknown
            self._replace(worker)
            raise
        if reply is None:
            return self._failure(worker, on_time, start)
        worker.tasks += 1
        self._checkin(worker)
        elapsed = time.perf_counter() - start
        try:
            kind, payload = pickle.loads(reply)
        except Exception as exc:
            payload, kind = f"UnloadableResult: {_describe(exc)}", "error"
        if kind == "ok":
            return DeadlineResult("ok", payload, elapsed_s=elapsed)
        return DeadlineResult("error", error=payload, elapsed_s=elapsed)

    def _failure(self, worker: _Worker, on_time: bool, start: float) -> DeadlineResult:
        """A timeout, or the worker's death; either way it is replaced."""
        error = None
        if on_time:  # the pipe closed before the deadline
            error = "PoolClosed: closed during the call" if self._closed else worker.death()
        self._replace(worker)
        status = "error" if error else "timeout"
        return DeadlineResult(status, error=error, elapsed_s=time.perf_counter() - start)

    def _checkout(self) -> _Worker:
        """An idle live worker, else a new one if the pool is below size, else wait."""
        if self._pid != os.getpid():  # forked where the at-fork hook did not run
            self._adopt_process()
        with self._cond:
            while True:
                if self._closed:
                    raise ValueError("this DeadlinePool is closed")
                if self._idle:
                    worker = self._idle.pop()
                    if worker.proc.is_alive():
                        return worker
                    self._all.discard(worker)  # it died while idle (e.g. the OOM killer)
                    worker.close_pipes()
                elif len(self._all) < self._workers:
                    worker = self._launch()
                    break
                else:
                    self._cond.wait()
        return self._ready_or_drop(worker)

    def _checkin(self, worker: _Worker) -> None:
        if self._max_tasks is not None and worker.tasks >= self._max_tasks:
            self._replace(worker)
            return
        with self._cond:
            if not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
        worker.kill()

    def _replace(self, worker: _Worker) -> None:
        """Kill and reap ``worker`` now; start its successor off the caller's path."""
        worker.kill()
        with self._cond:
            self._all.discard(worker)
            self._cond.notify()  # a waiting caller may start the successor itself
        with contextlib.suppress(RuntimeError):  # no new threads at interpreter exit
            threading.Thread(target=self._refill, daemon=True).start()

    def _refill(self) -> None:
        with self._cond:
            if self._closed or len(self._all) >= self._workers:
                return
            try:
                worker = self._launch()
            except _StartFailed as exc:
                log.warning("a deadline worker did not start: %s", exc)
                return
        with contextlib.suppress(_StartFailed):
            self._checkin(self._ready_or_drop(worker))

    def _ready_or_drop(self, worker: _Worker) -> _Worker:
        try:
            worker.await_ready()
        except BaseException as exc:  # _StartFailed, or a KeyboardInterrupt while waiting
            if isinstance(exc, _StartFailed):
                log.warning("a deadline worker did not start: %s", exc)
            worker.kill()
            with self._cond:
                self._all.discard(worker)
                self._cond.notify()
            raise
        return worker

    def _launch(self) -> _Worker:
        """Start a worker process; call with the lock held, so `close` cannot miss one."""
        conn, child_conn = self._ctx.Pipe()
        lifeline_r, lifeline_w = self._ctx.Pipe(duplex=False)
        args = (child_conn, lifeline_r, self._initializer, self._memory_mb, self._max_result_bytes)
        proc = self._ctx.Process(target=_worker_main, args=args, daemon=True)
        try:
            with _main_hidden():
                proc.start()
        except Exception as exc:
            conn.close()
            lifeline_w.close()
            if isinstance(exc, ChildProcessError) and self._ctx.get_start_method() != "spawn":
                # a forked child cannot use the fork server its parent started
                self._ctx = multiprocessing.get_context("spawn")
                return self._launch()
            raise _StartFailed(f"WorkerStartFailed: {_describe(exc)}") from exc
        finally:
            child_conn.close()
            lifeline_r.close()
        worker = _Worker(proc, conn, lifeline_w)
        self._all.add(worker)
        return worker


_main_lock = threading.Lock()


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Keep a starting worker from re-running the parent's main script.

    spawn and forkserver children import the parent's ``__main__`` again (by its
    ``__file__`` or ``__spec__``): a training script without an ``if __name__ ==
    "__main__"`` guard would run again in every worker, and ``python - < script``
    names a file ``<stdin>`` that does not exist. Workers need nothing from
    ``__main__`` (their functions are pickled by module, so a function defined in
    the main script is reported as unpicklable in the worker), so both attributes
    are withheld while a child starts, and restored at once.
    """
    main = sys.modules.get("__main__")
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if hasattr(main, k)}
    if main is None or not saved:
        yield
        return
    with _main_lock:
        main.__spec__ = None  # multiprocessing reads it unguarded: None, not absent
        if "__file__" in saved:
            del main.__file__
        try:
            yield
        finally:
            for key, value in saved.items():
                setattr(main, key, value)


def _check_deadline(deadline_s: float) -> None:
    if not isinstance(deadline_s, (int, float)) or not 0 < deadline_s < math.inf:
        raise ValueError(f"deadline_s must be a positive finite number, not {deadline_s!r}")


# -- the process-wide default pool --------------------------------------------------------

_default_lock = threading.Lock()
_default_options: dict[str, Any] = {}
_default: DeadlinePool | None = None


def configure_default_pool(workers: int = 1, **options: Any) -> None:
    """Set `default_pool`'s `DeadlinePool` options; the current default pool is closed."""
    global _default
    new = DeadlinePool(workers, **options)  # validates; starts no worker before a call
    with _default_lock:
        old, _default = _default, new
        _default_options.clear()
        _default_options.update(options, workers=workers)
    if old is not None:
        old.close()


def default_pool() -> DeadlinePool:
    """This process's shared pool (one worker unless configured), made on first use."""
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = DeadlinePool(**_default_options)
        return _default


def run_with_deadline(
    fn: Callable[..., Any], /, *args: Any, deadline_s: float, **kwargs: Any
) -> DeadlineResult:
    """``fn(*args, **kwargs)`` on the default pool; a hang becomes ``status="timeout"``.

    >>> import operator, time
    >>> run_with_deadline(operator.add, 2, 3, deadline_s=10).value
    5
    >>> run_with_deadline(time.sleep, 60, deadline_s=0.2).status
    'timeout'
    """
    return default_pool().run(fn, *args, deadline_s=deadline_s, **kwargs)


def _after_fork_in_child() -> None:
    global _default_lock
    _default_lock = threading.Lock()  # another thread may have held it at the fork
    for pool in list(_POOLS):
        pool._adopt_process()


def _close_all_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all_pools)
