"""The household's path, one module per part of the seeds' workflow (004, DATA.md § workflow)."""
