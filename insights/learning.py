"""The two models a manager can follow, in numpy: naive Bayes over categorical features (as Odoo's predictive
lead scoring) and an L2-regularised logistic regression over the same features one-hot encoded (fitted by
Newton's method). Both give a probability as a base log-odds plus one contribution per feature, which is what
explains a prediction: the factors that moved it most are the largest contributions.

Every feature is categorical (numbers are banded before they get here): `codes[i, f]` is the value index of
feature `f` for example `i`, with `sizes[f]` possible values. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK = 50_000  # rows per block when the one-hot matrix is built (memory stays a few tens of MB)


def sigmoid(logit: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))


def brier(probability: np.ndarray, outcome: np.ndarray) -> float:
    """Mean squared difference between the predicted probability and the outcome (0 or 1): lower is better."""
    return float(np.mean((probability - outcome) ** 2)) if len(outcome) else float("nan")


def deciles(probability: np.ndarray, outcome: np.ndarray) -> list[dict]:
    """Predicted vs actual win rate in ten groups of (nearly) equal size, lowest predictions first."""
    if not len(outcome):
        return []
    order = np.argsort(probability, kind="stable")
    rows = []
    for part in np.array_split(order, min(10, len(order))):
        if len(part):
            rows.append({"predicted": round(float(probability[part].mean()), 4),
                         "actual": round(float(outcome[part].mean()), 4), "count": len(part)})
    return rows


@dataclass
class Fitted:
    """A fitted model: `tables[f][v]` is the contribution (log-odds) of value v of feature f, centred so that a
    typical value contributes about nothing; `base` the log-odds before any feature."""

    kind: str
    base: float
    tables: list[np.ndarray]

    def contributions(self, codes: np.ndarray) -> np.ndarray:
        """(n, F) log-odds contributions of each feature of each example."""
        out = np.empty(codes.shape, dtype=np.float64)
        for f, table in enumerate(self.tables):
            out[:, f] = table[codes[:, f]]
        return out

    def predict(self, codes: np.ndarray) -> np.ndarray:
        return sigmoid(self.base + self.contributions(codes).sum(axis=1))


def deal_weights(deal_index: np.ndarray) -> np.ndarray:
    """1 / (number of examples of the deal) for each example: every deal weighs one in the fit."""
    counts = np.bincount(deal_index)
    return 1.0 / counts[deal_index]


def _centre(tables: list[np.ndarray], codes: np.ndarray, base: float) -> tuple[float, list[np.ndarray]]:
    """Shift each feature's table so its mean contribution over the training examples is 0, into the base."""
    centred = []
    for f, table in enumerate(tables):
        mean = float(table[codes[:, f]].mean()) if len(codes) else 0.0
        centred.append(table - mean)
        base += mean
    return base, centred


def fit_naive_bayes(codes: np.ndarray, outcome: np.ndarray, sizes: list[int], *, weight: np.ndarray | None = None,
                    alpha: float = 1.0) -> Fitted:
    """P(won | x) ∝ P(won) Π P(x_f | won): each feature's contribution is its value's weight of evidence,
    log P(v | won) − log P(v | lost), with Laplace smoothing `alpha`. `weight`: each example's weight (a deal's
    examples share one deal's weight, so a deal that passed many stages is not counted many times)."""
    weight = np.ones(len(outcome)) if weight is None else weight
    won = outcome.astype(bool)
    n_won, n_lost = float(weight[won].sum()), float(weight[~won].sum())
    base = float(np.log((n_won + 1) / (n_lost + 1)))
    tables = []
    for f, size in enumerate(sizes):
        count_won = np.bincount(codes[won, f], weights=weight[won], minlength=size)
        count_lost = np.bincount(codes[~won, f], weights=weight[~won], minlength=size)
        tables.append(np.log((count_won + alpha) / (n_won + alpha * size))
                      - np.log((count_lost + alpha) / (n_lost + alpha * size)))
    base, tables = _centre(tables, codes, base)
    return Fitted("naive_bayes", base, tables)


def _one_hot(codes: np.ndarray, offsets: np.ndarray, width: int) -> np.ndarray:
    matrix = np.zeros((len(codes), width + 1), dtype=np.float64)
    matrix[:, 0] = 1.0  # intercept
    rows = np.repeat(np.arange(len(codes)), codes.shape[1])
    matrix[rows, (codes + offsets).ravel() + 1] = 1.0
    return matrix


def fit_logistic(codes: np.ndarray, outcome: np.ndarray, sizes: list[int], *, weight: np.ndarray | None = None,
                 l2: float = 2.0, iterations: int = 15, tolerance: float = 1e-4) -> Fitted:
    """Logistic regression on the one-hot features with an L2 penalty `l2` (not on the intercept), by Newton's
    method: a few passes over the data in blocks, each solving a (values × values) system. `weight`: as for
    naive Bayes."""
    weight = np.ones(len(outcome)) if weight is None else weight
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    width = int(sum(sizes))
    weights = np.zeros(width + 1)
    rate = float(np.clip(np.average(outcome, weights=weight), 1e-3, 1 - 1e-3)) if len(outcome) else 0.5
    weights[0] = np.log(rate / (1 - rate))
    penalty = np.full(width + 1, l2)
    penalty[0] = 0.0
    for _iteration in range(iterations):
        gradient = penalty * weights
        hessian = np.diag(penalty + 1e-9)
        for start in range(0, len(codes), CHUNK):
            block = _one_hot(codes[start:start + CHUNK], offsets, width)
            p = sigmoid(block @ weights)
            w = weight[start:start + CHUNK]
            gradient += block.T @ (w * (p - outcome[start:start + CHUNK]))
            hessian += (block * (w * p * (1 - p))[:, None]).T @ block
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if float(np.max(np.abs(step))) < tolerance:
            break
    tables = [weights[1 + offsets[f]: 1 + offsets[f] + size].copy() for f, size in enumerate(sizes)]
    base, tables = _centre(tables, codes, float(weights[0]))
    return Fitted("logistic", base, tables)


FITTERS = {"naive_bayes": fit_naive_bayes, "logistic": fit_logistic}


def top_factors(fitted: Fitted, codes: np.ndarray, *, count: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The probability of each example and its `count` factors that moved it most: (probability (n,),
    feature index (n, count), effect in percentage points (n, count)). A factor's effect is how much the
    probability would drop (or rise) without that feature's contribution."""
    contributions = fitted.contributions(codes)
    logit = fitted.base + contributions.sum(axis=1)
    probability = sigmoid(logit)
    effects = 100.0 * (probability[:, None] - sigmoid(logit[:, None] - contributions))
    count = min(count, contributions.shape[1])
    order = np.argsort(-np.abs(effects), axis=1, kind="stable")[:, :count]
    return probability, order, np.take_along_axis(effects, order, axis=1)
