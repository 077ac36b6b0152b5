"""docs/scaling.py's figures draw what they are given: a finite cost where it is, however high, a
diverged run as a cross on the "diverged" line above every finite cost; the phase map's colour
scale reaching both phases' extremes."""

import matplotlib.pyplot as plt
import numpy as np

import scaling
from xavier import meanfield


def test_lr_sweep_draws_finite_costs_where_they_are_and_diverged_runs_apart():
    widths, etas = np.array([64, 128]), 2.0 ** np.arange(-4, -1)
    final = np.full((2, 2, 3, 2), 0.5)
    final[0, 1, 1] = [2.6, 2.6]           # high but finite: the run the reader took for a divergence
    final[0, 1, 2] = [np.inf, 3.0]        # one seed diverged
    fig = scaling.plot_lr_sweep(final, widths, etas, 20, 0.44)
    ax = fig.axes[0]
    ceiling = ax.get_lines()[-1].get_ydata()[0]          # the "diverged" line, drawn last
    assert ceiling > 3.0 and ax.get_ylim()[1] > ceiling
    crosses = np.concatenate([c.get_offsets() for c in ax.collections if c.get_offsets().shape[0] == 1
                              and c.get_offsets()[0, 1] == ceiling])
    np.testing.assert_allclose(crosses, [[etas[2], ceiling]])
    width_128 = ax.get_lines()[2]                        # width 64's line and star come first
    np.testing.assert_allclose(width_128.get_ydata()[1], 2.6)
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["$2^{-4}$", "$2^{-3}$", "$2^{-2}$"]
    plt.close(fig)


def test_phase_map_tints_both_phases_to_their_extremes():
    sw2, sb2 = np.linspace(0.5, 4.0, 8), np.linspace(0.0, 0.5, 5)
    chi = meanfield.chi_1(np.sqrt(sw2), np.sqrt(sb2)[:, None], iterations=50)
    line = np.linspace(0.6, 1.5, 5)
    fig = scaling.plot_phase(sw2, sb2, chi, [(1.0, 0.0, "a"), (2.78, 0.0, "b")],
                             -np.ones((2, 3)) / 5, np.array([0.8, 1.0]), 0.05, line, line)
    norm = fig.axes[0].collections[0].norm
    assert norm.vmin == np.log(chi).min() and norm.vmax == np.log(chi).max() and norm.vcenter == 0
    assert -norm.vmin > norm.vmax > 0    # asymmetric: a symmetric scale would wash out the chaotic side
    plt.close(fig)
