"""Process reward models: step scorers, aggregation, training and automatic labels.

Every scorer follows one protocol, `StepScorer`: ``score(traces) -> list[StepScores]``
(a probability-like score per step, None for a step it could not score, an aggregate
and a status). Implementations: `HFStepScorer` (transformers PRMs of four families:
TRL token classification, Math-Shepherd step tags, Qwen2.5-Math-PRM two-class heads,
RLHFlow chat), `ImplicitPRM` (PRIME-style ``beta * log pi/pi_ref``), `JudgeScorer` (an
LLM critic), and the model-free step checker (``load_scorer("checker-prm")``);
`CombinedScorer` joins several step by step (``load_scorer("min(checker-prm,hf:PATH)")``).

Training: `train_prm` on step-labelled traces (hard or soft labels), through the same
encoder `HFStepScorer` scores with. Labels without humans: `label_monte_carlo`
(Math-Shepherd rollouts) and `consensus_filter`. Importing this package loads no
torch; the model-backed pieces import it when used (``pip install 'stepscore[train]'``).

>>> aggregate([0.9, 0.4, 0.8], "min")
0.4
"""

from stepscore.prm.aggregate import AGGREGATIONS, Aggregation, aggregate
from stepscore.prm.catalog import load_scorer
from stepscore.prm.combine import JOINS, CombinedScorer, Join
from stepscore.prm.consensus import ConsensusResult, consensus_filter
from stepscore.prm.families import FAMILIES, PRMFamily, get_family
from stepscore.prm.generate import Generations, Generator, HFGenerator, OpenAIGenerator
from stepscore.prm.hf import HFStepScorer
from stepscore.prm.implicit import ImplicitPRM
from stepscore.prm.judge import JudgeScorer
from stepscore.prm.metrics import StepEval, evaluate_scores
from stepscore.prm.montecarlo import MCLabels, label_monte_carlo, labelled_trace
from stepscore.prm.scores import StepScorer, StepScores
from stepscore.prm.train import PRMTrainConfig, TrainResult, train_prm

__all__ = [
    "AGGREGATIONS",
    "FAMILIES",
    "JOINS",
    "Aggregation",
    "CombinedScorer",
    "ConsensusResult",
    "Generations",
    "Generator",
    "HFGenerator",
    "HFStepScorer",
    "ImplicitPRM",
    "Join",
    "JudgeScorer",
    "MCLabels",
    "OpenAIGenerator",
    "PRMFamily",
    "PRMTrainConfig",
    "StepEval",
    "StepScorer",
    "StepScores",
    "TrainResult",
    "aggregate",
    "consensus_filter",
    "evaluate_scores",
    "get_family",
    "label_monte_carlo",
    "labelled_trace",
    "load_scorer",
    "train_prm",
]
