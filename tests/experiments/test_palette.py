"""The categorical colours of the figures stay apart for readers with a colour-vision deficiency.

Each colour is passed through a simulation of deuteranopia, protanopia and tritanopia (the
Machado, Oliveira & Fernandes 2009 model at severity 100, as implemented by ``colorspacious``)
and compared in CAM02-UCS, a space where Euclidean distance follows perceived difference. Every
pair of the colours the pages draw categories with (the scales of ``plotting.COLORS``, the
colour cycle ``C0``, ``C1``, ... of ``plotting.STYLE`` and the per-page dictionaries) must be at
least :data:`MIN_DISTANCE` apart under each simulation and for normal vision.
"""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

import conclusion
import justification
import plotting
import xavier_init

MIN_DISTANCE = 10.0
"""Smallest CAM02-UCS distance allowed between two category colours. The old palette's green and
red (c = 1 and c = 100 on the "why" page) are 5.2 apart under deuteranopia, the figure the issue
reported as "the same olive"; Okabe-Ito's closest pair (reddish purple and orange, tritanopia)
is 11.0."""

DEFICIENCIES = [None, "deuteranomaly", "protanomaly", "tritanomaly"]


def used_colours() -> dict[str, str]:
    """Every categorical colour of the pages, by where it is defined, duplicates merged."""
    named = {f"COLORS[{k!r}]": v for k, v in plotting.COLORS.items()}
    cycle = plotting.STYLE["axes.prop_cycle"].by_key()["color"]
    named |= {f"C{k}": c for k, c in enumerate(cycle)}
    named |= {f"justification.MODE_COLORS[{k!r}]": v for k, v in justification.MODE_COLORS.items()}
    named |= {f"xavier_init.INIT_COLORS[{k!r}]": v for k, v in xavier_init.INIT_COLORS.items()}
    named |= {f"conclusion.STARTS[{k}]": start[1] for k, start in enumerate(conclusion.STARTS)}
    out: dict[str, str] = {}
    for name, colour in named.items():
        hexa = colour.upper()
        if hexa not in out.values():
            out[name] = hexa
    return out


def seen_as(colour: str, deficiency: str | None) -> np.ndarray:
    """CAM02-UCS coordinates of ``colour`` as seen with ``deficiency`` (None: normal vision)."""
    rgb = np.array(to_rgb(colour))
    if deficiency is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest_pair(colours: dict[str, str], deficiency: str | None) -> tuple[float, str, str]:
    seen = {name: seen_as(c, deficiency) for name, c in colours.items()}
    return min((float(np.linalg.norm(seen[a] - seen[b])), a, b)
               for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_category_colours_stay_apart(deficiency):
    colours = used_colours()
    assert len(colours) >= 5
    distance, a, b = closest_pair(colours, deficiency)
    assert distance >= MIN_DISTANCE, (
        f"{a} {colours[a]} and {b} {colours[b]} are {distance:.1f} apart in CAM02-UCS "
        f"as seen with {deficiency or 'normal vision'} (minimum {MIN_DISTANCE})")


def test_the_old_palette_fails_the_same_check():
    """The check can fail: matplotlib's default green and red merge under deuteranopia."""
    old = {"appropriate": "#2ca02c", "large": "#d62728", "small": "#1f77b4"}
    distance, a, b = closest_pair(old, "deuteranomaly")
    assert distance < MIN_DISTANCE and {a, b} == {"appropriate", "large"}


def test_simulation_changes_colours():
    """The simulation is applied (red and green move towards each other under deuteranopia)."""
    red, green = "#d62728", "#2ca02c"
    normal = np.linalg.norm(seen_as(red, None) - seen_as(green, None))
    deutan = np.linalg.norm(seen_as(red, "deuteranomaly") - seen_as(green, "deuteranomaly"))
    assert deutan < normal / 3
