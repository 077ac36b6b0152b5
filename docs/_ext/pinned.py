"""The one check every patch of another package's internals makes: the exact version it was read
against is the one installed, or the build stops naming the patch.

A patch of private internals (a replaced method, a private mapping, a copied template) keeps
working silently after an upgrade changed what it patches. Each such patch calls :func:`require`
from its extension's ``setup()`` with the versions whose source it was written against; on any
other version the build fails at once, before any page is read, with a message that says which
patch to re-read against the new source.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def require(patch: str, **pins: str) -> None:
    """Raise ``sphinx.errors.ExtensionError`` unless each distribution of ``pins`` (name with ``_``
    for ``-``) is installed at exactly the pinned version.

    ``patch`` says what is patched and where, e.g. ``"docs/_ext/samebytes.py: IndexBuilder.load"``.
    """
    from sphinx.errors import ExtensionError

    for name, want in pins.items():
        dist = name.replace("_", "-")
        try:
            have = version(dist)
        except PackageNotFoundError:
            have = "not installed"
        if have != want:
            raise ExtensionError(
                f"{patch} was written against {dist} {want}, but {dist} {have} is installed: read "
                f"the patched code in {dist} {have}, adapt the patch, then update its pin")
