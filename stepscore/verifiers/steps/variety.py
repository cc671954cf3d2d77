"""Points where relations hold: ``x - y = 6`` and ``x^2 + y^2 = 24``, ``\\omega^{1997} = 1``.

`stepscore.verifiers.steps.given` asks whether a rewrite holds where the relations a
problem gives hold; `solve` finds such points, in complex floats, by damped
Gauss-Newton steps of least norm (the Jacobian by finite differences) from random
starts, with no sympy and a bound on the work (``budget``: evaluations of a relation).

>>> from stepscore.verifiers.steps.identities import compile_side
>>> x, one = compile_side("x^3"), compile_side("8")
>>> point = solve([Relation(x, one, frozenset({"x"}))], {}, random.Random(0), [1000], {})
>>> abs(point["x"] ** 3 - 8) < 1e-9
True
"""

from __future__ import annotations

import cmath
import random
from collections.abc import Mapping
from dataclasses import dataclass

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.math.expression import Expression

__all__ = ["FAILS", "MAX_UNKNOWNS", "Relation", "solve"]

MAX_UNKNOWNS = 10
_ITERATIONS = 40
FAILS = (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError)
_FAILS = FAILS


@dataclass(frozen=True, slots=True)
class Relation:
    """``left = right`` (``holds`` False: ``left \\neq right``, a point to leave out);
    ``rename`` maps a variable of the expressions to the name it stands for (``x`` of
    ``x^2 - 3x + 1`` to ``a``, a root of it)."""

    left: Expression
    right: Expression
    variables: frozenset[str]
    rename: tuple[tuple[str, str], ...] = ()
    holds: bool = True

    def residual(self, env: Mapping[str, complex]) -> tuple[complex, float]:
        """``left - right`` at ``env`` and a scale to weigh it by; raises as `evaluate`."""
        if self.rename:
            env = {**env, **{v: env[name] for v, name in self.rename}}
        a, b = complex(evaluate(self.left, env)), complex(evaluate(self.right, env))  # type: ignore[arg-type]
        return a - b, 1.0 + abs(a) + abs(b)


def solve(
    relations: list[Relation],
    fixed: Mapping[str, complex],
    rng: random.Random,
    budget: list[int],
    warm: Mapping[str, complex],
) -> dict[str, complex] | None:
    """A point (its unknowns: the relations' variables not ``fixed``) where all
    ``relations`` hold, to about 1e-11, by damped Gauss-Newton steps of least norm from
    ``warm`` (random complex values where it has none); None when none is reached."""
    unknowns = sorted(frozenset().union(*(r.variables for r in relations)) - fixed.keys())
    if len(unknowns) > MAX_UNKNOWNS:
        return None
    system = _System(relations, unknowns, fixed, budget)
    u = _start(relations, unknowns, rng, warm)
    for iteration in range(_ITERATIONS):
        f = system.residuals(u)
        if f is None:
            return None
        worst = max(abs(r) for r in f)
        if worst <= 1e-11:
            return dict(zip(unknowns, u, strict=True))
        if iteration >= _ITERATIONS // 2 and worst > 1e-3:
            return None  # not closing in: a fresh start does better
        step = system.newton_step(u, f) if unknowns else None
        if step is None:
            return None
        u = system.damped(u, step, f)
    return None


@dataclass(slots=True)
class _System:
    """Relations to solve for ``unknowns``, each residual scaled to be relative."""

    relations: list[Relation]
    unknowns: list[str]
    fixed: Mapping[str, complex]
    budget: list[int]

    def residuals(self, u: list[complex]) -> list[complex] | None:
        self.budget[0] -= len(self.relations)
        if self.budget[0] < 0:
            return None
        env = {**self.fixed, **dict(zip(self.unknowns, u, strict=True))}
        try:
            pairs = [relation.residual(env) for relation in self.relations]
        except _FAILS:
            return None
        return [r / scale for r, scale in pairs]

    def newton_step(self, u: list[complex], f: list[complex]) -> list[complex] | None:
        """The least-norm step ``J^H (J J^H + mu I)^{-1} f``, J by finite differences."""
        n, m = len(f), len(u)
        columns = []
        for j in range(m):
            h = 1e-7 * max(1.0, abs(u[j]))
            moved = list(u)
            moved[j] += h
            g = self.residuals(moved)
            if g is None:
                return None
            columns.append([(gi - fi) / h for gi, fi in zip(g, f, strict=True)])
        rows = [[columns[j][i] for j in range(m)] for i in range(n)]  # J: (n, m)
        gram = [
            [sum(a * b.conjugate() for a, b in zip(ri, rk, strict=True)) for rk in rows]
            for ri in rows
        ]
        mu = 1e-12 * max([1e-300] + [abs(gram[i][i]) for i in range(n)])
        for i in range(n):
            gram[i][i] += mu
        y = _linear_solve(gram, f)
        if y is None:
            return None
        return [sum(rows[i][j].conjugate() * y[i] for i in range(n)) for j in range(m)]

    def damped(self, u: list[complex], step: list[complex], f: list[complex]) -> list[complex]:
        """``u - t step`` for the first t of 1, 1/2, 1/4 that lowers the residual (else 1)."""
        before = max(abs(r) for r in f)
        for t in (1.0, 0.5, 0.25):
            moved = [a - t * b for a, b in zip(u, step, strict=True)]
            g = self.residuals(moved)
            if g is not None and max(abs(r) for r in g) < before:
                return moved
        return [a - b for a, b in zip(u, step, strict=True)]


def _start(
    relations: list[Relation], unknowns: list[str], rng: random.Random, warm: Mapping[str, complex]
) -> list[complex]:
    """``warm``'s values, else random complex ones (of sizes 0.1 to 20, so that Newton
    reaches roots far apart); for ``v^n = c``, a random n-th root of
    c (Newton would crawl toward one from afar when n is large: ``\\omega^{1997} = 1``)."""
    u = [
        warm.get(name, cmath.rect(10 ** rng.uniform(-1, 1.3), rng.uniform(0, 2 * cmath.pi)))
        for name in unknowns
    ]
    for relation in relations:
        power = _power(relation)
        if power is not None and power[0] in unknowns and power[0] not in warm:
            name, n, c = power
            turn = 2 * cmath.pi * rng.randint(0, n - 1)
            u[unknowns.index(name)] = cmath.rect(abs(c) ** (1 / n), (cmath.phase(c) + turn) / n)
    return u


def _power(relation: Relation) -> tuple[str, int, complex] | None:
    """``(name, n, c)`` for ``v^n = c`` (either way round), c a nonzero number."""
    for a, b in ((relation.left, relation.right), (relation.right, relation.left)):
        tree = a.tree
        if (
            tree[0] == "pow"
            and tree[1][0] == "var"
            and tree[2][0] == "num"
            and tree[2][1].denominator == 1
            and 2 <= tree[2][1] <= 10_000
            and not b.variables
        ):
            try:
                c = complex(evaluate(b, {}))
            except _FAILS:
                return None
            name = dict(relation.rename).get(tree[1][1], tree[1][1])
            return (name, int(tree[2][1]), c) if c != 0 else None
    return None


def _linear_solve(a: list[list[complex]], b: list[complex]) -> list[complex] | None:
    """Gaussian elimination with partial pivoting; None when singular."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) == 0:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    x = [0j] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x
