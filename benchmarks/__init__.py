"""Benchmarks: a seeded corpus generator and a runner that prints JSON lines."""
