"""The HTML report: map, timeline, cap chart, chains, flagged vessels and claims in one file."""
