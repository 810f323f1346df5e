"""AIS input: canonical schema, format readers, validation."""
