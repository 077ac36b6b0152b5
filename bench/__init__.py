"""Benchmarks of xavier: ``python -m bench`` (``make bench``) prints a table and writes ``bench/results.json``.

Modules: :mod:`bench.core` (registry, interleaved timing, table, json), :mod:`bench.floor` (the
plain numpy step), :mod:`bench.step` (the ``step`` and ``seeds`` benchmarks), :mod:`bench.build`
(the ``build`` benchmark: ``make html`` timings on a copy of the repository).
"""
