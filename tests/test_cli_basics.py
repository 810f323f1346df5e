from typer.testing import CliRunner

from oiltrail.cli import app


def test_help_lists_every_spec_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in [
        "ingest",
        "detect",
        "events",
        "lists",
        "screen",
        "trace",
        "estimate",
        "check-claims",
        "report",
        "demo",
        "status",
        "simulate",
    ]:
        assert name in result.output


def test_bad_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["status", "--no-such-option"])
    assert result.exit_code == 2
