"""Pieces of the small synthetic sites the build tests make (imported by the tests beside it)."""

FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
"""Front matter that makes a MyST markdown page a notebook MyST-NB executes."""
