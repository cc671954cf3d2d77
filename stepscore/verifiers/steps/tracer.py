"""The harness that traces a program step by step inside the sandbox.

`harness_source` wraps a program in a small standard-library-only script that the
sandbox runs as its main program. The script reads a nonce from standard input (then
closes it), parses the program and rewrites its AST: before the first statement of each
step it inserts a call ``__stepscore_step__(i)`` (line -> step from the caller's line
map), in the module body and in the functions whose body the segmenter split into steps
(PAL's ``def solution():``, the *owners*). No `sys.settrace`: a loop inside one step runs
at full speed, and the original line numbers stay (the AST is compiled, not unparsed).

- a marker closes the step its frame was in: the names that step binds (found by the
  caller in the AST) are read from the frame and kept as capped reprs; steps still
  open at the end are closed then (frames keep their locals after they return);
- the innermost owner frame in the traceback of an uncaught exception names the step
  that raised it (a call into any other function counts towards the step that made
  it); for that step only names rebound before the exception are kept;
- each step entered is announced on standard output at once, so a program stopped by
  the deadline still tells which step was running.

Afterwards the script takes the program's answer (``ans``, ``answer``, ``result``, a
call of ``solution()``/``solver()``, or the last line it printed), prints one record
line behind a mark and the nonce, and leaves with ``os._exit`` (no ``atexit`` output can
follow). The program's own prints go to a capped buffer, never to the real stdout, so
it cannot forge a record without reading the nonce out of the harness's memory, which
in-process tracing cannot rule out (as in `stepscore.verifiers.code`).

>>> source = harness_source("x = 1", {1: 0}, [["x"]], [], value_cap=50)
>>> compile(source, "harness", "exec") is not None
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MARK", "harness_source", "read_records"]

MARK = "__stepscore_program__"

_TEMPLATE = r"""
def _ss_harness():
    import ast, builtins, io, json, os, reprlib, sys, types
    nonce = sys.stdin.readline().strip()
    os.close(0)
    sys.stdin = io.StringIO("")
    SOURCE, LINES, NAMES, OWNERS = {source!r}, {lines!r}, {names!r}, {owners!r}
    CAP, PATHS, LAZY, FILE, MARK = {cap!r}, {paths!r}, {lazy!r}, "<program>", {mark!r}
    MARKER, PRELUDE = "__stepscore_step__", {prelude!r}
    real_out = sys.stdout
    def emit(kind, payload):
        real_out.flush()
        os.write(1, ("\n" + MARK + nonce + kind + json.dumps(payload) + "\n").encode())
    class Tail(io.TextIOBase):
        text = ""
        def writable(self):
            return True
        def write(self, s):
            self.text = (self.text + str(s))[-8192:]
            return len(s)
    shower = reprlib.Repr()
    for attr in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
        setattr(shower, attr, 8)
    shower.maxlevel, shower.maxstring, shower.maxlong, shower.maxother = 3, CAP, CAP, CAP
    def show(v):
        if isinstance(v, types.ModuleType):
            return "<module>"
        if isinstance(v, (types.FunctionType, type)):
            return "<%s %s>" % ("class" if isinstance(v, type) else "function", v.__name__)
        try:
            text = shower.repr(v)
        except BaseException as exc:
            text = "<repr failed: %s>" % type(exc).__name__
        return text if len(text) <= CAP else text[: CAP - 3] + "..."
    def qualname(t):
        module = getattr(t, "__module__", "builtins")
        return t.__qualname__ if module == "builtins" else "%s.%s" % (module, t.__qualname__)
    def number(v):
        if v is None or isinstance(v, (bool, bytes, list, tuple, dict, set)):
            return None
        try:
            return float(v.strip().replace(",", "") if isinstance(v, str) else v)
        except BaseException:
            return None
    bindings, entered, current = {{}}, [], {{}}
    def finish(frame, step, before, completed):
        ns, rec, missing = frame.f_locals, bindings.setdefault(step, {{}}), object()
        for n in NAMES[step]:
            if n in ns and (completed or before.get(n, missing) is not ns[n]):
                rec[n] = show(ns[n])
    def mark(step):
        frame = sys._getframe(1)
        cur = current.get(frame)
        if cur is not None:
            finish(frame, cur[0], cur[1], True)
        ns = frame.f_locals
        current[frame] = (step, {{n: ns[n] for n in NAMES[step] if n in ns}})
        if step not in entered:
            entered.append(step)
            emit("@", step)
    def instrument(body):
        out, last = [], None
        for node in body:
            step = LINES.get(node.lineno)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                if [node.name, first] in OWNERS:
                    node.body = instrument(node.body)
            if step is not None and step != last:
                call = ast.Call(ast.Name(MARKER, ast.Load()), [ast.Constant(step)], [])
                out.append(ast.copy_location(ast.Expr(call), node))
                last = step
            out.append(node)
        return out
    def owner_frames(exc):
        tb, found = exc.__traceback__, []
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename == FILE and (code.co_name == "<module>" or
                    [code.co_name, code.co_firstlineno] in OWNERS):
                found.append(tb)
            tb = tb.tb_next
        return found
    def failure(exc, step):
        line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
        text = ("%s: %s" % (type(exc).__name__, exc))[:300]
        return {{"type": type(exc).__name__, "message": text, "step": step, "line": line}}
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.path.extend(PATHS)
    try:
        import importlib.util as iu
        for name in LAZY:
            spec = iu.find_spec(name)
            if spec is not None and spec.loader is not None:
                spec.loader = iu.LazyLoader(spec.loader)
                module = iu.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
    except Exception:
        pass
    record = {{"status": "ok", "error": None, "answer": None}}
    ns = {{"__name__": "__main__", "__builtins__": builtins, MARKER: mark}}
    sys.stdout = tail = Tail()
    try:
        tree = ast.parse(SOURCE, FILE)
        tree.body = instrument(tree.body)
        code = compile(ast.fix_missing_locations(tree), FILE, "exec")
    except BaseException as exc:
        step = LINES.get(getattr(exc, "lineno", None) or 0)
        record.update(status="syntax_error", error=failure(exc, step))
        code = None
    found, stuck = None, ()
    try:
        if code is not None:
            try:
                if PRELUDE:
                    exec(compile(PRELUDE, "<prelude>", "exec"), ns)
                exec(code, ns)
            except SystemExit as exc:
                if exc.code not in (None, 0):
                    raise
            for name in ("ans", "answer", "result"):
                if name in ns and not callable(ns[name]):
                    found = (name, ns[name])
                    break
            for name in ("solution", "solver"):
                f = ns.get(name)
                if found is None and isinstance(f, types.FunctionType):
                    c = f.__code__
                    if c.co_argcount == len(f.__defaults__ or ()) and not c.co_kwonlyargcount:
                        found = (name, f())
    except BaseException as exc:
        owners = owner_frames(exc)
        stuck = [tb.tb_frame for tb in owners]
        step = LINES.get(owners[-1].tb_lineno) if owners else None
        record.update(status="error", error=failure(exc, step))
    sys.stdout = real_out
    for frame, (step, before) in list(current.items()):
        finish(frame, step, before, frame not in stuck)
    if found is None and record["status"] == "ok":
        printed = [line for line in tail.text.splitlines() if line.strip()]
        if printed:
            found = ("print", printed[-1].strip())
    if found is not None:
        value = found[1]
        text = value[:CAP] if found[0] == "print" else show(value)
        record["answer"] = {{"source": found[0], "value": text, "number": number(value),
                            "type": qualname(type(value))}}
    record["bindings"] = {{str(k): sorted(v.items()) for k, v in bindings.items()}}
    record["entered"] = entered
    record["stdout"] = tail.text[-2000:]
    emit("=", record)
    os._exit(0)
_ss_harness()
"""


def harness_source(
    source: str,
    lines: Mapping[int, int],
    names: Sequence[Sequence[str]],
    owners: Sequence[tuple[str, int]],
    *,
    value_cap: int,
    paths: Sequence[str] = (),
    lazy: Sequence[str] = (),
    prelude: str = "",
) -> str:
    """The script that runs ``source`` with per-step tracing (see the module docstring).

    ``lines`` maps 1-based line numbers to step indices; ``names[i]`` are the names step
    ``i`` binds; ``owners`` the ``(name, first line)`` of functions split into steps;
    ``paths`` are appended to ``sys.path`` and ``lazy`` modules are imported lazily from
    them (an ``import numpy`` costs nothing until numpy is used); ``prelude`` is code run
    untraced in the program's namespace first (e.g. the imports a benchmark's own
    harness made visible to its programs).
    """
    return _TEMPLATE.format(
        source=source,
        lines=dict(lines),
        names=[list(n) for n in names],
        owners=[[name, line] for name, line in owners],
        cap=value_cap,
        paths=list(paths),
        lazy=list(lazy),
        mark=MARK,
        prelude=prelude,
    )


def read_records(stdout: str, nonce: str) -> tuple[list[int], dict[str, Any] | None]:
    """The steps the harness announced, in order, and its final record (None if absent).

    Only lines behind the mark and this run's nonce count.

    >>> read_records("x\\n" + MARK + "n@0\\n" + MARK + 'n={"status": "ok"}\\n', "n")
    ([0], {'status': 'ok'})
    """
    prefix = MARK + nonce
    entered: list[int] = []
    record = None
    for line in stdout.splitlines():
        if not line.startswith(prefix):
            continue
        kind, payload = line[len(prefix) : len(prefix) + 1], line[len(prefix) + 1 :]
        try:
            value = json.loads(payload)
        except ValueError:
            continue
        if kind == "@" and isinstance(value, int):
            entered.append(value)
        elif kind == "=" and isinstance(value, dict):
            record = value
    return entered, record
