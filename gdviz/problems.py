"""Losses defined by data: the weights ``W`` and bias ``b`` that training looks for.

A problem has ``n`` examples, ``loss(params, batch=None)`` and ``grad(params, batch=None)``,
where ``batch`` is an array of example indices and the loss is the *mean* over those
examples, so a batch gradient is an unbiased estimate of the full one and costs time
in proportion to the batch, not to ``n``. The two-parameter problems are also
:class:`~gdviz.surfaces.Surface` objects, so they can be contoured and descended.

Examples
--------
>>> import numpy as np
>>> line = linear_regression(n=1000, noise=0.5, seed=0)
>>> line.n, np.round(line.minima[0], 2)
(1000, array([ 1.99, -1.  ]))
>>> batch = np.arange(256)
>>> line.grad([0.0, 0.0], batch).shape
(2,)
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from .datasets import load_digits, make_line, make_two_classes
from .surfaces import Surface, _stack2x2, as_points
from .validation import Interval, check_point, validate_params

# Logistic losses on a grid are evaluated in chunks of at most this many (point, example) pairs.
_CHUNK = 2**21


class Problem:
    """What every problem shares: the example count and validation of batches."""

    n: int

    def _rows(self, batch) -> np.ndarray:
        """The example indices a batch names; all examples when ``batch`` is None."""
        if batch is None:
            return np.arange(self.n)
        idx = np.asarray(batch)
        if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(
                f"batch must be a non-empty 1-D array of example indices; got {np.shape(batch)} "
                f"of {idx.dtype}"
            )
        if idx.min() < 0 or idx.max() >= self.n:
            raise ValueError(
                f"batch indices must be in [0, {self.n - 1}]; got values from {idx.min()} to {idx.max()}"
            )
        return idx


class LinearRegression(Surface, Problem):
    """Fit ``y ≈ w x + b`` by least squares: ``L(w, b) = 1/(2m) Σ (w xᵢ + b − yᵢ)²``.

    The loss is a quadratic in ``(w, b)``: with rows ``zᵢ = (xᵢ, 1)`` it is
    ``½ pᵀ G p − cᵀ p + ½ s`` where ``G``, ``c`` and ``s`` are means of ``zᵢ zᵢᵀ``,
    ``zᵢ yᵢ`` and ``yᵢ²`` over the batch. That is why one call evaluates a whole grid of
    ``(w, b)`` for the price of a few sums over the batch, and why the Hessian is ``G``.
    In ``(w, b)`` the forms are written out elementwise (a matrix product's rounding can
    depend on how many points there are), so a point gives the same bits alone or in a
    batch of runs.
    """

    def __init__(self, x, y, name: str = "linear regression") -> None:
        # finite data first: LAPACK would print its own complaint about a NaN to stderr
        x, y = check_point("x", x), check_point("y", y)
        if x.shape != y.shape or len(x) < 2:
            raise ValueError(
                f"x and y must be 1-D and of one length >= 2; got {x.shape} and {y.shape}"
            )
        self.x, self.y = x, y
        self.x.flags.writeable = self.y.flags.writeable = False
        self.n = len(x)
        self._design = np.stack([x, np.ones_like(x)], axis=1)
        best = np.linalg.lstsq(self._design, y, rcond=None)[0]
        super().__init__(
            self.loss,
            self.grad,
            self.hessian,
            name=name,
            latex=r"\frac{1}{2m}\sum_{i=1}^{m} (w\,x_i + b - y_i)^2",
            domain=((best[0] - 3, best[0] + 3), (best[1] - 3, best[1] + 3)),
            minima=[best],
            start=best + np.array([-2.5, 2.5]),
        )

    def _moments(self, batch):
        if batch is None:  # all the data, without copying it
            z, y = self._design, self.y
        else:
            # take() gathers the same rows as fancy indexing, several times faster on (n, 2)
            rows = self._rows(batch)
            z, y = self._design.take(rows, axis=0), self.y.take(rows)
        m = len(y)
        return z.T @ z / m, z.T @ y / m, y @ y / m

    def loss(self, params, batch=None) -> np.ndarray:
        """Half the mean squared error of the batch, at ``params = (w, b)`` of shape ``(..., 2)``."""
        p = as_points(params, "params (w, b)")
        gram, cross, sq = self._moments(batch)
        w, b = p[..., 0], p[..., 1]
        quadratic = gram[0, 0] * w * w + 2 * gram[0, 1] * w * b + gram[1, 1] * b * b
        loss = 0.5 * quadratic - (cross[0] * w + cross[1] * b) + 0.5 * sq
        # near a perfect fit the expanded form can round to about -1e-15: a mean of squares is >= 0
        return np.maximum(loss, 0.0)

    def grad(self, params, batch=None) -> np.ndarray:
        """``(∂L/∂w, ∂L/∂b)`` over the batch, shape ``(..., 2)``."""
        p = as_points(params, "params (w, b)")
        gram, cross, _ = self._moments(batch)
        return p[..., :1] * gram[0] + p[..., 1:] * gram[1] - cross  # p @ G - c, G symmetric

    def hessian(self, params, batch=None) -> np.ndarray:
        """The constant Hessian ``G``, repeated for each point: shape ``(..., 2, 2)``."""
        p = as_points(params, "params (w, b)")
        gram = self._moments(batch)[0]
        return np.broadcast_to(gram, (*p.shape[:-1], 2, 2)).copy()

    def minimum(self, batch=None) -> np.ndarray:
        """The ``(w, b)`` where the batch's own loss is lowest: its least-squares line.

        NaNs when that is not one point: a batch whose ``x`` are all equal (one example,
        say) is fitted perfectly by every line through its points, a whole line of
        ``(w, b)``.

        Examples
        --------
        >>> line = linear_regression(n=100)
        >>> bool(np.allclose(line.minimum(), line.minima[0]))
        True
        >>> line.minimum([7])
        array([nan, nan])
        """
        gram, cross, _ = self._moments(batch)
        # the Gram matrix of (x, 1) is singular exactly when x does not vary over the batch
        spread = gram[0, 0] - gram[0, 1] ** 2
        if not spread > 1e-12 * max(gram[0, 0], 1.0):
            return np.full(2, np.nan)
        return np.linalg.solve(gram, cross)

    def __call__(self, params) -> np.ndarray:
        return self.loss(params)

    def predict(self, params, x) -> np.ndarray:
        """``w x + b``: the fitted line at ``x``."""
        w, b = as_points(params, "params (w, b)")
        return w * np.asarray(x, dtype=float) + b


def linear_regression(n: int = 1000, noise: float = 0.5, seed: int = 0) -> LinearRegression:
    """A one-feature linear regression on :func:`gdviz.datasets.make_line` data."""
    return LinearRegression(*make_line(n=n, noise=noise, seed=seed))


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class LogisticRegression(Surface, Problem):
    """One-feature logistic regression: ``L(w, b) = 1/m Σ [log(1 + e^{zᵢ}) − yᵢ zᵢ]``, ``zᵢ = w xᵢ + b``."""

    def __init__(self, x, labels, name: str = "logistic regression") -> None:
        x, labels = check_point("x", x), check_point("labels", labels)
        if x.shape != labels.shape or len(x) < 2:
            raise ValueError(
                f"x and labels must be 1-D and of one length >= 2; got {x.shape} and {labels.shape}"
            )
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"labels must be 0 or 1; got values {np.unique(labels)}")
        self.x, self.labels = x, labels
        self.x.flags.writeable = self.labels.flags.writeable = False
        self.n = len(x)
        best = self._newton_minimum()
        super().__init__(
            self.loss,
            self.grad,
            self.hessian,
            name=name,
            latex=r"\frac{1}{m}\sum_{i=1}^{m} \log(1 + e^{z_i}) - y_i z_i,\quad z_i = w\,x_i + b",
            domain=((best[0] - 4, best[0] + 4), (best[1] - 4, best[1] + 4)),
            minima=[best],
            start=best + np.array([-3.0, 3.0]),
        )

    def _newton_minimum(self) -> np.ndarray:
        p = np.zeros(2)
        for _ in range(50):
            try:
                step = np.linalg.solve(self.hessian(p), self.grad(p))
            except np.linalg.LinAlgError:  # σ(1 − σ) underflows as |w| grows without bound
                break
            p = p - step
            if np.max(np.abs(step)) < 1e-12:
                return p
        raise ValueError("the classes are separable: the logistic loss has no finite minimum")

    def _scores(self, p, rows, reduce):
        """Apply ``reduce(z, x_rows)`` to chunks of the score matrix ``zᵢ = w xᵢ + b``.

        Scores are computed elementwise and reduced by means along the examples (no matrix
        products, whose rounding depends on the shape), so a point gives the same bits
        alone or in a batch of runs.
        """
        flat = p.reshape(-1, 2)
        chunk = max(1, _CHUNK // len(rows))
        x = self.x[rows]
        parts = [
            reduce(flat[i : i + chunk, :1] * x + flat[i : i + chunk, 1:], x)
            for i in range(0, len(flat), chunk)
        ]
        return np.concatenate(parts)

    def loss(self, params, batch=None) -> np.ndarray:
        """The mean cross-entropy over the batch, at ``params = (w, b)`` of shape ``(..., 2)``."""
        p = as_points(params, "params (w, b)")
        rows = self._rows(batch)
        y = self.labels[rows]
        out = self._scores(p, rows, lambda z, _: np.mean(np.logaddexp(0.0, z) - y * z, axis=-1))
        return out.reshape(p.shape[:-1])

    def grad(self, params, batch=None) -> np.ndarray:
        """``(∂L/∂w, ∂L/∂b)`` = mean of ``(σ(zᵢ) − yᵢ)(xᵢ, 1)``, shape ``(..., 2)``."""
        p = as_points(params, "params (w, b)")
        rows = self._rows(batch)
        y = self.labels[rows]

        def reduce(z, x):
            r = _sigmoid(z) - y
            return np.stack([np.mean(r * x, axis=-1), np.mean(r, axis=-1)], axis=-1)

        return self._scores(p, rows, reduce).reshape(p.shape)

    def hessian(self, params, batch=None) -> np.ndarray:
        """Mean of ``σ(zᵢ)(1 − σ(zᵢ)) (xᵢ, 1)(xᵢ, 1)ᵀ``, shape ``(..., 2, 2)``."""
        p = as_points(params, "params (w, b)")
        rows = self._rows(batch)

        def reduce(z, x):
            s = _sigmoid(z)
            r = s * (1 - s)
            hxy = np.mean(r * x, axis=-1)
            return _stack2x2(np.mean(r * x * x, axis=-1), hxy, hxy, np.mean(r, axis=-1))

        return self._scores(p, rows, reduce).reshape(*p.shape[:-1], 2, 2)

    def __call__(self, params) -> np.ndarray:
        return self.loss(params)

    def probability(self, params, x) -> np.ndarray:
        """σ(w x + b): the predicted probability of class 1 at ``x``."""
        w, b = as_points(params, "params (w, b)")
        return _sigmoid(w * np.asarray(x, dtype=float) + b)


def logistic_regression(n: int = 400, separation: float = 2.0, seed: int = 0) -> LogisticRegression:
    """A one-feature logistic regression on :func:`gdviz.datasets.make_two_classes` data."""
    return LogisticRegression(*make_two_classes(n=n, separation=separation, seed=seed))


def _class_labels(name: str, labels, n: int) -> np.ndarray:
    """Labels 0, 1, …: whole numbers >= 0, one per example."""
    arr = np.asarray(labels)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(int)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be whole numbers (class labels 0, 1, …); got dtype {arr.dtype}"
        )
    if arr.shape != (n,) or (n and arr.min() < 0):
        raise ValueError(
            f"{name} must be {n} class labels >= 0, one per example; got shape {arr.shape}"
            + (f" with minimum {arr.min()}" if arr.size else "")
        )
    return arr.astype(int)


class SoftmaxClassifier(Problem):
    """A linear softmax classifier: scores ``W x + b``, cross-entropy loss, L2 penalty on ``W``.

    ``L(W, b) = 1/m Σ [log Σ_k e^{s_k(xᵢ)} − s_{yᵢ}(xᵢ)] + ½ reg ‖W‖²``. The parameters
    are one flat vector (so optimizers and gradient checks treat them like any other
    array); :meth:`unpack` turns it into ``W`` of shape ``(classes, features)`` and ``b``.
    """

    @validate_params(reg=Interval(Real, 0, None))
    def __init__(
        self,
        features,
        labels,
        test_features,
        test_labels,
        reg: float = 1e-3,
        name: str = "softmax classifier",
    ) -> None:
        self.features = check_point("features", features, ndim=(2,))
        self.test_features = check_point("test_features", test_features, ndim=(2,))
        self.labels = _class_labels("labels", labels, len(self.features))
        self.test_labels = _class_labels("test_labels", test_labels, len(self.test_features))
        if self.test_features.shape[1] != self.features.shape[1]:
            raise ValueError(
                f"test_features must have as many columns as features ({self.features.shape[1]}); "
                f"got shape {self.test_features.shape}"
            )
        for arr in (self.features, self.labels, self.test_features, self.test_labels):
            arr.flags.writeable = False
        self.reg = reg
        self.name = name
        self.n, self.n_features = self.features.shape
        self.n_classes = int(max(self.labels.max(), self.test_labels.max())) + 1
        self.size = self.n_classes * (self.n_features + 1)
        self.start = np.zeros(self.size)

    def unpack(self, params) -> tuple[np.ndarray, np.ndarray]:
        """Split the flat parameters into ``W`` (classes × features) and ``b`` (classes)."""
        params = np.asarray(params, dtype=float)
        if params.shape != (self.size,):
            raise ValueError(f"params must have shape ({self.size},); got {params.shape}")
        k, d = self.n_classes, self.n_features
        return params[: k * d].reshape(k, d), params[k * d :]

    def pack(self, weights, bias) -> np.ndarray:
        """The flat parameter vector holding ``W`` and ``b``."""
        return np.concatenate([np.ravel(weights), np.ravel(bias)]).astype(float)

    @validate_params(seed=Interval(Integral, 0, None), scale=Interval(Real, 0, None))
    def initial_params(self, seed: int = 0, scale: float = 0.01) -> np.ndarray:
        """Small random weights and zero biases, the usual start."""
        rng = np.random.default_rng(seed)
        weights = scale * rng.standard_normal((self.n_classes, self.n_features))
        return self.pack(weights, np.zeros(self.n_classes))

    def _scores(self, params, rows):
        """Class scores of the batch, shifted so each row's largest is 0 (same softmax, no overflow)."""
        weights, bias = self.unpack(params)
        scores = self.features[rows] @ weights.T + bias
        return scores - scores.max(axis=1, keepdims=True)

    def loss(self, params, batch=None) -> float:
        """Mean cross-entropy over the batch, plus the L2 penalty."""
        rows = self._rows(batch)
        scores = self._scores(params, rows)
        log_norm = np.log(np.exp(scores).sum(axis=1))
        data_loss = np.mean(log_norm - scores[np.arange(len(rows)), self.labels[rows]])
        weights, _ = self.unpack(params)
        return float(data_loss + 0.5 * self.reg * np.sum(weights * weights))

    def grad(self, params, batch=None) -> np.ndarray:
        """The gradient by backpropagation: ``∂L/∂s = softmax(s) − onehot(y)``, then the chain rule."""
        rows = self._rows(batch)
        exp = np.exp(self._scores(params, rows))
        dscores = exp / exp.sum(axis=1, keepdims=True)
        dscores[np.arange(len(rows)), self.labels[rows]] -= 1.0
        dscores /= len(rows)
        weights, _ = self.unpack(params)
        return self.pack(dscores.T @ self.features[rows] + self.reg * weights, dscores.sum(axis=0))

    def __call__(self, params) -> float:
        return self.loss(params)

    def predict(self, params, features) -> np.ndarray:
        """The most probable class of each row of ``features``."""
        weights, bias = self.unpack(params)
        return np.argmax(np.asarray(features, dtype=float) @ weights.T + bias, axis=1)

    def accuracy(self, params, split: str = "test") -> float:
        """The fraction of examples classified right, on the ``"test"`` or ``"train"`` split."""
        if split not in ("test", "train"):
            raise ValueError(f"split must be 'test' or 'train'; got {split!r}")
        features, labels = (
            (self.test_features, self.test_labels)
            if split == "test"
            else (self.features, self.labels)
        )
        return float(np.mean(self.predict(params, features) == labels))


@validate_params(
    test_fraction=Interval(Real, 0, 1, closed="neither"),
    reg=Interval(Real, 0, None),
    seed=Interval(Integral, 0, None),
)
def softmax_digits(
    test_fraction: float = 0.25, reg: float = 1e-3, seed: int = 0
) -> SoftmaxClassifier:
    """A softmax classifier of the 8×8 digits, pixels scaled to [0, 1], split at random (seeded).

    Examples
    --------
    >>> digits = softmax_digits()
    >>> digits.n, digits.n_features, digits.n_classes, digits.size
    (1348, 64, 10, 650)
    """
    images, labels = load_digits()
    features = images.reshape(len(images), -1) / 16.0
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = round(test_fraction * len(labels))
    test, train = order[:n_test], order[n_test:]
    return SoftmaxClassifier(
        features[train],
        labels[train],
        features[test],
        labels[test],
        reg=reg,
        name="softmax classifier (digits)",
    )
