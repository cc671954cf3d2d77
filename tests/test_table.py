from stepscore.table import render_table


def test_table_aligns_and_cuts() -> None:
    out = render_table([{"a": "x" * 50, "n": 1.23456, "m": None}], max_width=10)
    header, _rule, row = out.splitlines()
    assert header.split() == ["a", "n", "m"]
    assert row.startswith("x" * 9 + "…") and "1.23" in row and row.endswith("-")
    assert render_table([]) == "(no rows)"
