"""``python -m sim.assumptions``: every value the model takes on assumption, with where it is set.

Scans ``configs/**/*.yaml``, ``experiments/*.yaml`` and the schema defaults in ``sim/config/schema.py``
for values whose comment
says "assumption" and writes ``docs/assumptions.md``: one row per value — file and line, key,
value, and the comment (which says what it was tuned to, or why the sources cannot give it).
A test regenerates the page and compares, so it never drifts from the configs.
"""

from __future__ import annotations

import sys

from sim.cli import command
from sim.intake.assumptions import PAGE, page
from sim.outputs.files import atomic_write


@command
def main() -> int:
    text = page()
    atomic_write(PAGE, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"Wrote {PAGE} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
