"""Auditing a math verifier: where do stepscore, Math-Verify and the labels disagree?

Rows are (prediction, reference, label) triples; the label (a human or reference-grader
verdict) is optional. The report counts agreements and keeps every disagreement, so
label noise and verifier bugs can be told apart by reading them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from stepscore.errors import FormatError
from stepscore.verifiers.math.verify import MathResult

__all__ = ["AuditReport", "AuditRow", "audit_math", "audit_row_from_record"]

_PREDICTION_KEYS = ("prediction", "pred_text", "response", "completion", "solution", "model_output")
_REFERENCE_KEYS = ("reference", "gold", "gt", "ground_truth", "answer")
_LABEL_KEYS = ("label", "correct", "is_correct", "score")


class _Verifier(Protocol):
    def verify_batch(self, pairs: Iterable[tuple[str, str]]) -> list[MathResult]: ...


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audited pair with both verdicts."""

    line: int
    prediction: str
    reference: str
    label: bool | None
    ours: MathResult
    theirs: MathResult | None = None


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Agreement counts and the rows behind every disagreement."""

    n: int
    n_labelled: int
    ours_agree_label: int
    theirs_agree_label: int | None
    ours_agree_theirs: int | None
    disagreements: list[AuditRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "n_labelled": self.n_labelled,
            "ours_agree_label": self.ours_agree_label,
            "theirs_agree_label": self.theirs_agree_label,
            "ours_agree_theirs": self.ours_agree_theirs,
            "disagreements": len(self.disagreements),
        }


def audit_row_from_record(record: Any, line: int) -> tuple[str, str, bool | None]:
    """``(prediction, reference, label)`` from a JSON object with the usual key names."""
    if not isinstance(record, Mapping):
        raise FormatError("expected an object with a prediction and a reference", line=line)
    prediction = _first(record, _PREDICTION_KEYS)
    reference = _first(record, _REFERENCE_KEYS)
    if not isinstance(prediction, str) or reference is None:
        raise FormatError(
            f"need a prediction ({', '.join(_PREDICTION_KEYS)}) and a reference "
            f"({', '.join(_REFERENCE_KEYS)})",
            line=line,
        )
    label = _first(record, _LABEL_KEYS)
    if label is not None and not isinstance(label, (bool, int, float)):
        raise FormatError(f"label {label!r} is not a boolean or a number", line=line)
    return prediction, str(reference), None if label is None else bool(label)


def audit_math(
    rows: Iterable[tuple[int, str, str, bool | None]],
    ours: _Verifier,
    theirs: _Verifier | None = None,
) -> AuditReport:
    """Run both verifiers on ``(line, prediction, reference, label)`` rows."""
    rows = list(rows)
    pairs = [(p, r) for _, p, r, _ in rows]
    our_results = ours.verify_batch(pairs)
    their_results = theirs.verify_batch(pairs) if theirs is not None else [None] * len(rows)
    audited = [
        AuditRow(line, p, r, label, o, t)
        for (line, p, r, label), o, t in zip(rows, our_results, their_results, strict=True)
    ]
    labelled = [a for a in audited if a.label is not None]
    return AuditReport(
        n=len(audited),
        n_labelled=len(labelled),
        ours_agree_label=sum(a.ours.correct == a.label for a in labelled),
        theirs_agree_label=None
        if theirs is None
        else sum(a.theirs is not None and a.theirs.correct == a.label for a in labelled),
        ours_agree_theirs=None
        if theirs is None
        else sum(a.theirs is not None and a.ours.correct == a.theirs.correct for a in audited),
        disagreements=[a for a in audited if _disagrees(a)],
    )


def _disagrees(row: AuditRow) -> bool:
    verdicts = {row.ours.correct}
    if row.theirs is not None:
        verdicts.add(row.theirs.correct)
    if row.label is not None:
        verdicts.add(row.label)
    return len(verdicts) > 1


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if record.get(k) is not None), None)
