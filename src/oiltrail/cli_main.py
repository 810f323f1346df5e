"""`python -m oiltrail.cli_main` runs the CLI (for benchmarks and subprocess tests)."""

from oiltrail.cli import app

if __name__ == "__main__":
    app()
