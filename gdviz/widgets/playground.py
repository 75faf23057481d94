"""The playground: every explorer in one dashboard, for free exploration and for presenting.

Three tabs, each an explorer with all its controls:

- **Surfaces** — :class:`~gdviz.widgets.DescentExplorer`: the surface, the optimizer, the
  step size against the stability limit, the number of steps, the start (click on the
  contours) and play;
- **Mini-batches** — :class:`~gdviz.widgets.MinibatchExplorer`: the batch size from one
  example to the whole data set, the step size and the seed;
- **Race** — :class:`~gdviz.widgets.OptimizerRace`: the surface, which optimizers race,
  each one's hyper-parameters, the budget and the start.

A tab's explorer is built the first time the tab is opened (the first one at once), so the
dashboard appears quickly, in JupyterLab as in Voilà. Saved in an executed notebook, the
playground leaves the picture of the open tab's explorer and a one-line summary, like the
explorers themselves.

Examples
--------
>>> playground = Playground()
>>> playground.selected, sorted(playground.explorers)
('surfaces', ['surfaces'])
>>> playground.select("minibatch")
>>> playground.controls["minibatch.batch_size"].value = 1024
>>> playground.explorer("minibatch").result.batch_size
1024
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import ipywidgets as widgets

from .descent import DescentExplorer
from .minibatch import MinibatchExplorer
from .race import OptimizerRace
from .template import SceneExplorer

TABS = {"surfaces": "Surfaces", "minibatch": "Mini-batches", "race": "Race"}
"""The tabs, by name, with their titles, in order."""


class Playground(widgets.VBox):
    """Every explorer in tabs: surfaces and optimizers, mini-batches, the optimizer race.

    Parameters
    ----------
    surface : str, optional
        The built-in surface the "Surfaces" and "Race" tabs start on.
    tab : str
        The tab open at the start, one of :data:`TABS`.

    Attributes
    ----------
    tabs : ipywidgets.Tab
        The tabs; selecting one (in the browser or by ``selected_index``) builds its explorer.
    message : ipywidgets.HTML
        Shows an error if a tab could not be built (never a traceback in the log).
    """

    def __init__(self, surface: str = "quadratic", *, tab: str = "surfaces") -> None:
        self._check_name(tab)
        self._factories: dict[str, Callable[[], SceneExplorer]] = {
            "surfaces": lambda: DescentExplorer(surface),
            "minibatch": MinibatchExplorer,
            "race": lambda: OptimizerRace(surface),
        }
        self._explorers: dict[str, SceneExplorer] = {}
        self.tabs = widgets.Tab(
            children=[
                widgets.VBox([widgets.HTML(f"<i>Opening the {title} tab…</i>")])
                for title in TABS.values()
            ],
            titles=list(TABS.values()),
        )
        self.message = widgets.HTML()
        super().__init__([self.tabs, self.message])
        self.tabs.observe(self._tab_opened, "selected_index")
        self.select(tab)
        self._build(tab)  # also when the tab was already selected (no change event then)

    @staticmethod
    def _check_name(name: str) -> str:
        if name not in TABS:
            raise ValueError(f"unknown tab {name!r}; choose one of: {', '.join(TABS)}")
        return name

    # tabs ------------------------------------------------------------------------

    @property
    def selected(self) -> str:
        """The name of the open tab."""
        return list(TABS)[self.tabs.selected_index or 0]

    def select(self, name: str) -> None:
        """Open the tab called ``name`` (building its explorer if needed)."""
        self.tabs.selected_index = list(TABS).index(self._check_name(name))

    def _tab_opened(self, change) -> None:
        if change["new"] is not None:
            self._build(list(TABS)[change["new"]])

    def _build(self, name: str) -> SceneExplorer | None:
        """Build the tab's explorer once and put it in the tab; show an error if that fails."""
        if name in self._explorers:
            return self._explorers[name]
        try:
            explorer = self._factories[name]()
        except Exception as error:  # shown in the app, where the user sees it
            self.message.value = (
                f'<span style="color: #D55E00">⚠ Could not open the {TABS[name]} tab: '
                f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</span>"
            )
            return None
        self._explorers[name] = explorer
        self.tabs.children[list(TABS).index(name)].children = [explorer]
        self.message.value = ""
        return explorer

    def explorer(self, name: str) -> SceneExplorer:
        """The explorer of the tab called ``name``, built now if it was not yet.

        Raises
        ------
        ValueError
            For an unknown tab name.
        RuntimeError
            If the explorer could not be built (the message says why).
        """
        explorer = self._build(self._check_name(name))
        if explorer is None:
            raise RuntimeError(f"the {TABS[name]} tab could not be built: see playground.message")
        return explorer

    @property
    def explorers(self) -> dict[str, SceneExplorer]:
        """The explorers built so far, by tab name."""
        return dict(self._explorers)

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """Every control of every tab, as ``"tab.control"`` (this builds every tab).

        For instance ``"surfaces.step_size"``, ``"surfaces.surface"``,
        ``"minibatch.batch_size"``, ``"race.momentum.lr"``. Setting a value updates that
        explorer's ``result`` and figure at once, as in the explorer itself.
        """
        return {
            f"{name}.{key}": control
            for name in TABS
            for key, control in self.explorer(name).controls.items()
        }

    # static viewers ------------------------------------------------------------------

    def summary(self) -> str:
        """One deterministic line: the tabs and the open tab's explorer (the ``text/plain``)."""
        open_tab = self.selected
        shown = self._explorers.get(open_tab)
        what = shown.summary() if shown is not None else "not built"
        return f"Playground ({', '.join(TABS.values())}), showing {TABS[open_tab]}: {what}"

    def __repr__(self) -> str:
        return self.summary()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        shown = self._explorers.get(self.selected)
        if shown is not None:
            bundle["image/png"] = base64.b64encode(shown.png()).decode("ascii")
        return bundle
