"""Helpers shared by tests/, benchmarks/ and the eval tools, so that none of them imports another:
real processes and servers on 127.0.0.1 (`procs`), and the seeded synthetic corpus (`corpus_gen`)."""
