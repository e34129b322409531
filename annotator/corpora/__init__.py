"""Corpus readers: the bundled corpus (authored markup and compiled JSONL) and PolNeAR."""
