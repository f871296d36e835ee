"""Realistic demo exports in the platforms' real formats, deterministic for a seed."""
