"""The `stepscore` subcommands, one module per family; `stepscore.cli` wires them."""
