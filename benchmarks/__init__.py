"""Performance benchmarks for Caseflow: ``python -m benchmarks [--quick]``.

See benchmarks/README.md for what each figure means and the targets it is measured against.
"""
