"""The benchmark catalog: offline loads with the right counts, versions, did-you-mean,
``limit``, ``path=``, bad rows, and the Hub path (faked: no test touches the network)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest

from stepscore.benchmarks import hub
from stepscore.benchmarks.benchmark import Benchmark, BenchmarkSpec, SplitSource
from stepscore.benchmarks.catalog import (
    BENCHMARKS,
    available_benchmarks,
    get_benchmark_spec,
    load_benchmark,
)
from stepscore.benchmarks.labelled import (
    LabelledPair,
    gsm8k_solution_pairs,
    math_bon_pairs,
    prm800k_rated_steps,
)
from stepscore.benchmarks.samples import (
    BestOfNGroup,
    CodeProblem,
    MathProblem,
    PRMBenchSample,
)
from stepscore.data_path import DATA_ENV
from stepscore.errors import DataUnavailableError, MissingExtraError, UnknownNameError
from stepscore.reasoning.trace import Trace

COMMIT = "0123456789abcdef0123456789abcdef01234567"
REAL_PROBE = hub._reachable  # before the autouse fixture replaces it


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Hub probe always fails here, so a load that strays to the Hub fails fast."""
    monkeypatch.setattr(hub, "_reachable", lambda endpoint, timeout: False)
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def empty_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with nothing in it: every catalogued split must come from the Hub."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


class FakeDatasets:
    """Stands in for the `datasets` module: ``rows[split]`` per requested hub split."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]] | Exception) -> None:
        self.rows = rows
        self.calls: list[tuple[Any, ...]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeDatasets:
        module = types.ModuleType("datasets")
        module.load_dataset_builder = self.load_dataset_builder  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "datasets", module)
        monkeypatch.setattr(hub, "_reachable", lambda endpoint, timeout: True)
        return self

    def load_dataset_builder(self, path: str, name: str | None = None, **kwargs: Any) -> Any:
        self.calls.append((path, name, kwargs.get("revision")))
        if isinstance(self.rows, Exception):
            raise self.rows
        rows, calls = self.rows, self.calls

        class Builder:
            hash = COMMIT

            def download_and_prepare(self) -> None:
                pass

            def as_dataset(self, split: str) -> list[dict[str, Any]]:
                calls.append(("split", split))
                return rows[split]

        return Builder()


# --- the catalog ---------------------------------------------------------------------


def test_importing_the_catalog_imports_no_loader_and_no_datasets() -> None:
    code = (
        "import sys, stepscore.benchmarks.catalog\n"
        "print(sorted(m for m in ('datasets', 'stepscore.benchmarks.builtin')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_available_benchmarks_lists_every_name_with_its_splits() -> None:
    listed = available_benchmarks()
    assert list(listed) == sorted(BENCHMARKS)
    assert listed["gsm8k"] == ("test", "train")
    assert listed["processbench"] == ("gsm8k", "math", "olympiadbench", "omnimath")
    assert listed["prmbench"] == ("test", "sample")
    assert listed["mbpp"][0] == "test" and "full" in listed["mbpp"]
    assert set(listed) == {
        "gsm8k", "math500", "math", "processbench", "prmbench", "humaneval", "mbpp",
        "gsm8k-solutions", "math-bon",
    }  # fmt: skip


def test_unknown_names_and_splits_suggest_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'processbench'"):
        load_benchmark("procesbench")
    with pytest.raises(UnknownNameError, match="did you mean 'gsm8k'") as caught:
        load_benchmark("processbench", "gsm8")
    assert caught.value.known == ("gsm8k", "math", "olympiadbench", "omnimath")
    with pytest.raises(ValueError, match="unknown mbpp split 'tets'"):
        load_benchmark("mbpp", "tets")


def test_names_ignore_case_and_underscores() -> None:
    assert get_benchmark_spec("GSM8K_Solutions").name == "gsm8k-solutions"
    with pytest.raises(TypeError):
        get_benchmark_spec(7)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [-1, 1.5, True, "3"])
def test_a_bad_limit_raises(limit: Any) -> None:
    with pytest.raises(ValueError, match="limit"):
        load_benchmark("gsm8k", limit=limit)


# --- every loader, offline, from the shared data ------------------------------------

COUNTS = [
    ("gsm8k", "test", 1319, MathProblem),
    ("gsm8k", "train", 7473, MathProblem),
    ("math500", "test", 500, MathProblem),
    ("math", "test", 5000, MathProblem),
    ("processbench", "gsm8k", 400, Trace),
    ("processbench", "math", 1000, Trace),
    ("prmbench", "sample", 24, PRMBenchSample),
    ("humaneval", "test", 164, CodeProblem),
    ("mbpp", "full", 974, CodeProblem),
    ("mbpp", "test", 500, CodeProblem),
    ("mbpp", "train", 374, CodeProblem),
    ("mbpp", "validation", 90, CodeProblem),
    ("mbpp", "prompt", 10, CodeProblem),
    ("gsm8k-solutions", "test", 5276, LabelledPair),
    ("math-bon", "test", 100, BestOfNGroup),
]


@pytest.mark.parametrize(("name", "split", "count", "kind"), COUNTS)
def test_every_loader_reads_the_shared_data_offline(
    shared_data: Path, name: str, split: str, count: int, kind: type
) -> None:
    bench = load_benchmark(name, split)
    assert (bench.name, bench.split, len(bench), bench.errors) == (name, split, count, ())
    assert bench.source.startswith(f"local:{shared_data}")
    assert all(isinstance(sample, kind) for sample in bench)
    assert len({getattr(s, "id", None) for s in bench}) == count  # ids are unique


def _source_digests(folder: Path) -> dict[str, str]:
    """``file -> sha256 prefix`` from a data folder's SOURCE.txt table."""
    digests = {}
    for line in (folder / "SOURCE.txt").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) == 5 and len(cells[4]) == 16:
            digests[cells[0]] = cells[4]
    return digests


@pytest.mark.parametrize(
    ("name", "split", "file"),
    [
        ("gsm8k", "test", "gsm8k/test.jsonl"),
        ("math500", "test", "math500/test.jsonl"),
        ("math", "test", "math/test.jsonl"),
        ("processbench", "math", "processbench/math.json"),
        ("humaneval", "test", "humaneval/HumanEval.jsonl.gz"),
        ("mbpp", "test", "mbpp/mbpp.jsonl"),
    ],
)
def test_the_version_is_the_digest_source_txt_lists_and_is_stable(
    shared_data: Path, name: str, split: str, file: str
) -> None:
    folder, base = file.split("/")
    first, second = load_benchmark(name, split), load_benchmark(name, split)
    assert first.version == f"v1+sha256:{_source_digests(shared_data / folder)[base]}"
    assert first == second
    assert first.describe() == {
        "benchmark": name, "split": split, "version": first.version, "source": first.source,
        "samples": len(first), "errors": 0, "limit": None,
    }  # fmt: skip


def test_gsm8k_gold_answers_follow_the_hashes(shared_data: Path) -> None:
    bench = load_benchmark("gsm8k")
    first = bench.samples[0]
    assert (first.id, first.answer) == ("0", "18")
    assert first.question.startswith("Janet")
    assert all(s.answer and "####" not in s.answer for s in bench)


def test_math_gold_is_the_last_box_and_agrees_with_math500(shared_data: Path) -> None:
    math = {p.question: p for p in load_benchmark("math")}
    subset = load_benchmark("math500")
    assert all(math[p.question].answer == p.answer for p in subset)
    assert {p.level for p in math.values()} == {1, 2, 3, 4, 5}
    assert subset.samples[0].id == "test/precalculus/807.json"
    assert subset.samples[0].subject == "Precalculus"


def test_processbench_traces_carry_the_earliest_error(shared_data: Path) -> None:
    for split, wrong, right in (("gsm8k", 207, 193), ("math", 594, 406)):
        traces = load_benchmark("processbench", split).samples
        errors = [t.first_error() for t in traces]
        assert (sum(e is not None for e in errors), errors.count(None)) == (wrong, right)
    trace = traces[0]
    assert trace.id == "math-0" and trace.prompt and trace.steps
    assert "final_answer_correct" in trace.meta["processbench"]


def test_prmbench_samples_hold_both_processes_and_1_based_error_steps(shared_data: Path) -> None:
    samples = load_benchmark("prmbench", "sample").samples
    assert len({s.classification for s in samples}) == 8
    first = samples[0]
    assert first.id == "circular_prm_test_p1_0"
    assert (first.error_steps, first.modified_steps) == ((3, 4, 5), (3, 4, 5, 6))
    assert first.steps != first.original_steps and first.reason
    trace = first.trace()
    assert trace.labels == [1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0][: len(first.steps)]
    assert trace.step_texts == list(first.steps) and trace.prompt == first.question
    assert set(first.original_trace().labels) == {1.0}


def test_code_problems_run_their_tests_as_human_eval_and_mbpp_do(shared_data: Path) -> None:
    problem = load_benchmark("humaneval").samples[0]
    assert (problem.id, problem.entry_point, problem.prompt_kind) == (
        "HumanEval/0", "has_close_elements", "code",
    )  # fmt: skip
    assert problem.test.rstrip().endswith("check(has_close_elements)")
    assert problem.reference_program.startswith(problem.prompt)
    mbpp = load_benchmark("mbpp").samples
    assert [p.id for p in mbpp[:2]] == ["11", "12"] and mbpp[-1].id == "510"
    assert all(p.prompt_kind == "text" and p.test_list for p in mbpp)
    assert mbpp[0].test == "\n".join(mbpp[0].test_list) + "\n"


def test_reference_solutions_pass_their_tests(shared_data: Path) -> None:
    for name in ("humaneval", "mbpp"):
        problem = load_benchmark(name, limit=1).samples[0]
        program = problem.reference_program + "\n" + problem.test
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr


def test_labelled_pairs_match_the_labelled_module(shared_data: Path) -> None:
    pairs = load_benchmark("gsm8k-solutions").samples
    assert list(pairs) == gsm8k_solution_pairs(shared_data / "gsm8k/example_model_solutions.jsonl")
    groups = load_benchmark("math-bon").samples
    flat = [pair for group in groups for pair in group.pairs()]
    assert len(flat) == 800 and flat == math_bon_pairs(shared_data / "bon/math_cot_100.jsonl")


def test_prm800k_rated_steps_read_the_derived_parquet(shared_data: Path) -> None:
    pytest.importorskip("pyarrow")
    path = shared_data / "prm800k/derived_stepwise_critic/phase1_test.stepwise-critic.parquet"
    rows = prm800k_rated_steps(path)
    assert len(rows) == 5449  # the row count SOURCE.txt gives
    assert {r.rating for r in rows} <= {-1, 0, 1, None}
    assert all(isinstance(r.before, tuple) and r.step and r.problem for r in rows)
    first = next(r for r in rows if r.before)  # a later step: the steps before it, parsed
    assert all(isinstance(s, str) and s for s in first.before)
    finals = [r for r in rows if r.answer]
    assert finals and len(finals) < len(rows)  # the answer is on a path's last row only


def test_prm800k_rated_steps_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingExtraError, match=r"stepscore\[train\]"):
        prm800k_rated_steps(tmp_path / "phase1_test.stepwise-critic.parquet")


def test_best_of_n_groups_keep_preds_verdicts_and_scores(shared_data: Path) -> None:
    raw = json.loads((shared_data / "bon/math_cot_100.jsonl").read_text().splitlines()[0])
    group = load_benchmark("math-bon").samples[0]
    assert group.n == 8 and (group.id, group.gold, group.level) == ("0", "420", 3)
    assert list(group.preds) == raw["pred"] and list(group.correct) == raw["score"]
    assert list(group.scores) == [s[0] for s in raw["pred_score"]]


# --- limit, path=, bad rows ----------------------------------------------------------


def test_limit_keeps_the_first_samples(shared_data: Path) -> None:
    full = load_benchmark("gsm8k")
    head = load_benchmark("gsm8k", limit=5)
    assert head.samples == full.samples[:5] and head.limit == 5
    assert head.version == full.version  # the data's version, not the slice's
    assert len(load_benchmark("gsm8k", limit=0)) == 0
    assert [p.id for p in load_benchmark("mbpp", "validation", limit=2)] == ["511", "512"]
    assert len(load_benchmark("gsm8k-solutions", limit=6)) == 6  # samples, not rows


def test_path_override_reads_a_file_or_a_folder(shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "prmbench" / "sample.jsonl"
    copy = tmp_path / "mine.jsonl"
    shutil.copy(original, copy)
    from_file = load_benchmark("prmbench", "sample", path=copy)
    assert from_file.source == f"local:{copy.resolve()}"
    assert from_file.samples == load_benchmark("prmbench", "sample").samples
    assert from_file.version == load_benchmark("prmbench", "sample").version  # same bytes
    flat, nested = tmp_path / "flat", tmp_path / "nested" / "prmbench"
    nested.mkdir(parents=True)
    flat.mkdir()
    shutil.copy(original, flat / "sample.jsonl")
    shutil.copy(original, nested / "sample.jsonl")
    for folder in (flat, nested.parent):
        assert len(load_benchmark("prmbench", "sample", path=folder)) == 24


def test_an_explicit_path_wins_over_the_data_folder_and_never_falls_to_the_hub(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "test.jsonl"
    mine.write_text(json.dumps({"question": "q", "answer": "#### 7"}) + "\n", encoding="utf-8")
    bench = load_benchmark("gsm8k", path=mine)
    assert [p.answer for p in bench] == ["7"]
    with pytest.raises(DataUnavailableError, match="not a file") as caught:
        load_benchmark("gsm8k", path=tmp_path / "missing")
    assert isinstance(caught.value, OSError)


def test_bad_rows_are_reported_with_their_line_and_the_rest_loaded(tmp_path: Path) -> None:
    good = {"question": "q", "answer": "x\n#### 1"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"question": "q"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"question": "q", "answer": "no final answer"}),
        json.dumps(good | {"question": "last"}),
    ]
    (tmp_path / "test.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bench = load_benchmark("gsm8k", path=tmp_path)
    assert [p.question for p in bench] == ["q", "last"]
    assert [p.id for p in bench] == ["0", "6"]  # ids are line positions, stable
    assert not bench.ok
    assert bench.errors == (
        "test.jsonl line 2: invalid JSON: Expecting property name enclosed in double quotes",
        "test.jsonl line 3: missing key 'answer'",
        "test.jsonl line 5: a row must be a JSON object, not list",
        "test.jsonl line 6: the 'answer' has no '####' final answer",
    )


def test_a_bad_record_in_a_json_array_is_reported(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "problem": "p", "steps": ["s1", "s2"], "label": 1},
        {"id": "b", "problem": "p", "steps": ["s1"], "label": 5},
    ]
    (tmp_path / "gsm8k.json").write_text(json.dumps(rows), encoding="utf-8")
    bench = load_benchmark("processbench", "gsm8k", path=tmp_path)
    assert [t.labels for t in bench] == [[1.0, 0.0]]
    assert len(bench.errors) == 1 and bench.errors[0].startswith("gsm8k.json line 2: label 5")


def test_a_spec_of_your_own_loads_like_a_catalogued_one(tmp_path: Path) -> None:
    spec = BenchmarkSpec(
        name="toy",
        description="words",
        splits={"all": SplitSource(local="toy/words.jsonl")},
        convert=lambda row, position: (str(row["w"]),),
    )
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "words.jsonl").write_text('{"w": "a"}\n{"w": "b"}\n', encoding="utf-8")
    bench = load_benchmark(spec, path=tmp_path)
    assert isinstance(bench, Benchmark) and bench.samples == ("a", "b") and bench.split == "all"


# --- the Hub (faked) -----------------------------------------------------------------

GSM8K_ROWS = [
    {"question": "2 + 2?", "answer": "2 + 2 = 4\n#### 4"},
    {"question": "3 * 3?", "answer": "#### 9"},
]


def test_hub_rows_become_samples_with_the_commit_in_the_version(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDatasets({"test": GSM8K_ROWS}).install(monkeypatch)
    bench = load_benchmark("gsm8k")
    assert fake.calls == [("openai/gsm8k", "main", None), ("split", "test")]
    assert [(p.id, p.question, p.answer) for p in bench] == [
        ("0", "2 + 2?", "4"),
        ("1", "3 * 3?", "9"),
    ]
    assert bench.source == "hub:openai/gsm8k"
    assert bench.version == f"v1+hf:openai/gsm8k/main@{COMMIT}"
    assert load_benchmark("gsm8k", limit=1).samples == bench.samples[:1]


def test_hub_rows_of_step_labelled_and_code_benchmarks(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = {
        "olympiadbench": [
            {"id": "olympiadbench-0", "generator": "g", "problem": "p", "steps": ["a", "b"],
             "final_answer_correct": False, "label": 1},
        ],
        "test": [
            {"task_id": 11, "text": "t", "code": "c", "test_list": ["assert 1"],
             "test_setup_code": "", "challenge_test_list": []},
            {"task_id": 12, "text": "u", "code": "d", "test_list": "not a list"},
        ],
    }  # fmt: skip
    fake = FakeDatasets(rows).install(monkeypatch)
    traces = load_benchmark("processbench", "olympiadbench")
    assert traces.version == f"v1+hf:Qwen/ProcessBench@{COMMIT}"
    assert [t.labels for t in traces] == [[1.0, 0.0]]
    mbpp = load_benchmark("mbpp")
    assert ("google-research-datasets/mbpp", "full", None) in fake.calls
    assert [p.id for p in mbpp] == ["11"]
    assert mbpp.errors == ("google-research-datasets/mbpp split test row 2: 'test_list' must be "
                           "list, not a string",)  # fmt: skip


def test_prmbench_test_split_comes_from_its_public_id(
    shared_data: Path, empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [json.loads(line) for line in (shared_data / "prmbench/sample.jsonl").open()]
    fake = FakeDatasets({"train": rows}).install(monkeypatch)
    bench = load_benchmark("prmbench")
    assert fake.calls[0] == ("hitsmy/PRMBench_Preview", None, None)
    assert bench.split == "test" and len(bench) == 24
    assert bench.samples == load_benchmark("prmbench", "sample", path=shared_data).samples


def test_no_network_fails_fast_naming_the_offline_options(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDatasets({}).install(monkeypatch)
    monkeypatch.setattr(hub, "_reachable", lambda endpoint, timeout: False)
    started = time.monotonic()
    with pytest.raises(DataUnavailableError) as caught:
        load_benchmark("math500")
    assert time.monotonic() - started < 1.0
    assert fake.calls == []  # datasets (and its half-minute of retries) never ran
    message = str(caught.value)
    for needed in ("'HuggingFaceH4/MATH-500'", "path=", DATA_ENV, "math500/test.jsonl"):
        assert needed in message
    assert isinstance(caught.value.__cause__, ConnectionError)


def test_a_connection_error_from_datasets_names_the_offline_options(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = ConnectionError(
        "Couldn't reach 'Qwen/ProcessBench' on the Hub (LocalEntryNotFoundError)"
    )
    FakeDatasets(error).install(monkeypatch)
    with pytest.raises(DataUnavailableError, match=r"path=<file or folder> or set STEPSCORE_DATA"):
        load_benchmark("processbench", "omnimath")


def test_offline_mode_skips_the_probe_and_lets_datasets_answer(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeDatasets({"test": GSM8K_ROWS}).install(monkeypatch)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub, "_reachable", lambda endpoint, timeout: pytest.fail("probed"))
    assert len(load_benchmark("gsm8k")) == 2  # e.g. from the datasets cache


def test_the_message_lists_the_splits_found_locally(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(shared_data))
    FakeDatasets({}).install(monkeypatch)
    monkeypatch.setattr(hub, "_reachable", lambda endpoint, timeout: False)
    with pytest.raises(DataUnavailableError, match="Splits of prmbench found locally: sample"):
        load_benchmark("prmbench")


def test_without_datasets_the_extra_is_named(
    empty_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # makes `import datasets` fail
    with pytest.raises(MissingExtraError, match=r"stepscore\[train\]") as caught:
        load_benchmark("humaneval")
    assert isinstance(caught.value.__cause__, DataUnavailableError)
    assert DATA_ENV in str(caught.value.__cause__)


def test_data_with_no_public_id_needs_the_data_folder(empty_data: Path) -> None:
    for name in ("math-bon", "gsm8k-solutions"):
        with pytest.raises(DataUnavailableError, match=f"no public dataset id.*{DATA_ENV}"):
            load_benchmark(name)
    with pytest.raises(DataUnavailableError, match="no public dataset id"):
        load_benchmark("prmbench", "sample")


def test_the_probe_gives_up_on_a_closed_port_quickly() -> None:
    started = time.monotonic()
    assert REAL_PROBE("http://127.0.0.1:9", 2.0) is False  # loopback only: the discard port
    assert time.monotonic() - started < 2.5
