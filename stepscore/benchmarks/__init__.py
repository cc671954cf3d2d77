"""Benchmarks: loaders (a lazy catalog), metrics, runners and reports.

>>> sorted(available_benchmarks())[:3]
['gsm8k', 'gsm8k-solutions', 'humaneval']
"""

from stepscore.benchmarks.benchmark import Benchmark, BenchmarkSpec, HubSource, SplitSource
from stepscore.benchmarks.catalog import (
    BENCHMARKS,
    available_benchmarks,
    get_benchmark_spec,
    load_benchmark,
)
from stepscore.benchmarks.labelled import LabelledPair
from stepscore.benchmarks.samples import (
    BestOfNGroup,
    CodeProblem,
    MathProblem,
    PRMBenchSample,
    Sample,
)

__all__ = [
    "BENCHMARKS",
    "Benchmark",
    "BenchmarkSpec",
    "BestOfNGroup",
    "CodeProblem",
    "HubSource",
    "LabelledPair",
    "MathProblem",
    "PRMBenchSample",
    "Sample",
    "SplitSource",
    "available_benchmarks",
    "get_benchmark_spec",
    "load_benchmark",
]
