"""The Typer command line: thin commands, one module per noun."""
