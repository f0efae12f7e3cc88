"""A plain, one-election-at-a-time reference implementation of the seat laws, for the tests.

Written independently of models/seats.py and as directly as the laws read: exact rational
arithmetic (fractions.Fraction), one seat at a time, ties to the list registered first.
Slow by design; only the property tests call it.
"""

from __future__ import annotations

from fractions import Fraction


def _divisor(method: str, k: int, first_divisor: float = 1.4) -> Fraction:
    if method == "dhondt":
        return Fraction(k + 1)
    if method == "sainte-lague":
        return Fraction(2 * k + 1)
    return Fraction(str(first_divisor)) if k == 0 else Fraction(2 * k + 1)  # modified Sainte-Laguë


def reference_allocate(votes, seats, method, threshold=0, base=None, eligible=None, exempt=None,
                       runner_up_min_seats=None, runner_up_reading="floor", first_divisor=1.4):
    votes = [Fraction(v) for v in votes]
    n = len(votes)
    eligible = [True] * n if eligible is None else list(eligible)
    exempt = [False] * n if exempt is None else list(exempt)
    base = sum(v for v, e in zip(votes, eligible) if e) if base is None else Fraction(base)
    cut = Fraction(str(float(threshold))) / 100
    admitted = [eligible[i] and votes[i] > 0 and (votes[i] >= cut * base or exempt[i]) for i in range(n)]
    runner = None
    if runner_up_min_seats and sum(admitted) == 1:
        best = None
        for i in range(n):
            if eligible[i] and not admitted[i] and votes[i] > 0 and (best is None or votes[i] > votes[best]):
                best = i
        if best is not None:
            runner = best
            admitted[best] = True
    if not any(admitted):
        admitted = [eligible[i] and votes[i] > 0 for i in range(n)]
    result = [0] * n
    if method in ("hare", "droop"):
        total = sum(votes[i] for i in range(n) if admitted[i])
        quota = total / seats if method == "hare" else total / (seats + 1)
        exact = [votes[i] / quota if admitted[i] else Fraction(0) for i in range(n)]
        result = [int(q) if admitted[i] else 0 for i, q in enumerate(exact)]  # floor: non-negative
        if sum(result) > seats:  # exact Droop with every quota whole
            last = max(i for i in range(n) if result[i] > 0)
            result[last] -= 1
        order = sorted((i for i in range(n) if admitted[i]), key=lambda i: (-(exact[i] - int(exact[i])), i))
        for i in order[: seats - sum(result)]:
            result[i] += 1
    else:
        for _ in range(seats):
            best = None
            for i in range(n):
                if not admitted[i]:
                    continue
                q = votes[i] / _divisor(method, result[i], first_divisor)
                if best is None or q > best[0]:
                    best = (q, i)
            result[best[1]] += 1
    if runner is not None:
        minimum = min(runner_up_min_seats, seats)
        leader = next(i for i in range(n) if admitted[i] and i != runner)
        new = max(result[runner], minimum) if runner_up_reading == "floor" else minimum
        result[runner] = new
        result[leader] = seats - new
    return result
