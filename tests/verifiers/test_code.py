"""The code verifier: per-test results, the three test kinds, and reward hacks that fail."""

from __future__ import annotations

import pytest

from stepscore.verifiers.code import verify_code

ADD = "def add(a, b):\n    return a + b\n"
_FORGE = "print('\\n__stepscore_tests__' + n.strip() + '[[0, \"passed\", \"\"]]')\n"


def test_assert_lists_give_per_test_results() -> None:
    result = verify_code(
        ADD, ["assert add(1, 2) == 3", "assert add(2, 2) == 5", "assert adx(1) == 1"]
    )
    assert not result.passed
    assert [t.status for t in result.tests] == ["passed", "failed", "error"]
    assert result.first_failure and result.first_failure.startswith("test 1")
    assert "NameError" in result.tests[2].message
    assert result.score == pytest.approx(1 / 3)
    assert verify_code(ADD, ["assert add(1, 2) == 3"]).passed


def test_check_function_and_setup() -> None:
    check = "def check(candidate):\n    assert candidate(2, 3) == 5\n"
    assert verify_code(ADD, check, entry_point="add").passed
    assert not verify_code("def add(a, b):\n    return a - b\n", check, entry_point="add").passed
    assert verify_code(ADD, ["assert add(K, 1) == 3"], setup="K = 2").passed


def test_stdin_stdout_pairs() -> None:
    pairs = [{"input": "3\n", "output": "6"}, {"input": "4\n", "output": "9"}]
    result = verify_code("print(int(input()) * 2)", pairs)
    assert [t.status for t in result.tests] == ["passed", "failed"] and not result.passed


@pytest.mark.parametrize(
    "program",
    [
        "import os\nos._exit(0)",
        "import sys\nsys.exit(0)",
        "raise SystemExit(0)",
        'print(\'\\n__stepscore_tests__[[0, "passed", ""]]\')',
        "import sys\nn = sys.stdin.readline()\n" + _FORGE + "sys.exit(0)",
        "import os\nn = os.read(0, 100).decode()\n" + _FORGE + "os._exit(0)",
    ],
    ids=["os_exit", "sys_exit", "system_exit", "fake_record", "stdin_nonce", "fd0_nonce"],
)
def test_reward_hacks_fail(program: str) -> None:
    result = verify_code(program, ["assert False"])
    assert not result.passed, result


def test_hostile_programs_are_statuses() -> None:
    assert verify_code("while True: pass", ["assert True"], timeout_s=1).status == "timeout"
    assert verify_code("def f(:\n", ["assert True"]).status == "error"
    assert verify_code("x = 'a' * (1 << 34)", ["assert True"], memory_mb=256).status == "memory"


def test_bad_arguments_raise() -> None:
    with pytest.raises(TypeError):
        verify_code(42, ["assert True"])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        verify_code(ADD, [])
    with pytest.raises(ValueError, match="entry_point"):
        verify_code(ADD, "def check(candidate): pass")


# MBPP 123's reference (amicable numbers below 9999, quadratic) takes ~3.7 s alone and
# passed the default 10 s limit only narrowly when the two cores were shared: these tests
# reproduce pass/fail, not speed, so they allow more.
_ROOMY_S = 40.0


# Rows whose saved final program passes the row's own test although the run logged
# is_solved = False (each verified by hand: e.g. sum_range_list(..., 8, 10) == 29 holds).
_REFLEXION_LOGGED_UNSOLVED_BUT_PASSING = {
    "mbpp_170_sum_range_list",
    "mbpp_422_find_Average_Of_Cube",
    "mbpp_724_power_base_sum",
    "mbpp_419_round_and_sum",
    "mbpp_598_armstrong_number",
}


@pytest.mark.slow
def test_reflexion_final_programs_reproduce_is_solved(shared_data) -> None:  # type: ignore[no-untyped-def]
    """Issue 4 acceptance: >= 98% of the Reflexion MBPP runs reproduce their is_solved."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    path = shared_data / "traces" / "reflexion"
    path = path / "reflexion_mbpp_py_mbpp-py._reflexion_5_gpt-4_pass_at_k_1_py.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda r: verify_code(r["solution"], [r["test"]], timeout_s=_ROOMY_S), rows)
        )
    differ = {
        r["name"] for r, res in zip(rows, results, strict=True) if res.passed != r["is_solved"]
    }
    assert len(rows) == 397
    assert differ == _REFLEXION_LOGGED_UNSOLVED_BUT_PASSING  # 392/397 = 98.7% reproduce


def _fork_server():  # type: ignore[no-untyped-def]
    import os
    import sys

    from stepscore.verifiers.sandbox import IsolationUnavailableError
    from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox

    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("the fork server needs root on Linux")
    try:
        return ForkServerSandbox()
    except IsolationUnavailableError as exc:
        pytest.skip(f"no fork server here: {exc}")


@pytest.mark.slow
def test_reference_solutions_and_reflexion_on_the_fork_server(shared_data) -> None:  # type: ignore[no-untyped-def]
    """The acceptance sets on the warm fork server too (slots reused across ~1,500 jobs):
    HumanEval 164/164, MBPP 974/974, Reflexion's is_solved reproduced as on a fresh
    process per job."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from stepscore.benchmarks import load_benchmark

    problems = [*load_benchmark("humaneval").samples, *load_benchmark("mbpp", "full").samples]
    path = shared_data / "traces" / "reflexion"
    path = path / "reflexion_mbpp_py_mbpp-py._reflexion_5_gpt-4_pass_at_k_1_py.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with _fork_server() as sandbox, ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda p: verify_code(
                    p.reference_program,
                    list(p.test_list) or [p.test],
                    setup=p.setup if p.test_list else "",
                    sandbox=sandbox,
                    timeout_s=_ROOMY_S,
                ),
                problems,
            )
        )
        refined = list(
            pool.map(
                lambda r: verify_code(
                    r["solution"], [r["test"]], sandbox=sandbox, timeout_s=_ROOMY_S
                ),
                rows,
            )
        )
    assert [p.id for p, r in zip(problems, results, strict=True) if not r.passed] == []
    assert len(problems) == 164 + 974
    differ = {
        r["name"] for r, res in zip(rows, refined, strict=True) if res.passed != r["is_solved"]
    }
    assert differ == _REFLEXION_LOGGED_UNSOLVED_BUT_PASSING
