"""Queueing theory the model is validated against (tests/test_mmc.py): Erlang C for M/M/c, Cobham's formula
for non-preemptive priority classes, and Jackson's theorem for stations in series."""

from __future__ import annotations


def erlang_c_wait(servers: int, arrivals_per_hour: float, service_hours_mean: float) -> float:
    """Mean time in queue of an M/M/c queue (Erlang C), in hours."""
    a = arrivals_per_hour * service_hours_mean  # offered load in Erlangs
    rho = a / servers
    term, total = 1.0, 1.0  # running a^k/k!, sum over k < c
    for k in range(1, servers):
        term *= a / k
        total += term
    last = term * a / servers  # a^c / c!
    p_wait = last / (1 - rho) / (total + last / (1 - rho))
    return p_wait * service_hours_mean / (servers * (1 - rho))


def erlang_c_probability(servers: int, offered_load: float) -> float:
    """Erlang C: the probability that an arriving customer waits, for ``offered_load`` Erlangs on ``servers``."""
    a, rho = offered_load, offered_load / servers
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= a / k
        total += term
    last = term * a / servers
    return last / (1 - rho) / (total + last / (1 - rho))


def cobham_waits(servers: int, arrivals_per_hour: float, service_hours_mean: float,
                 shares: list[float]) -> list[float]:
    """Mean time in queue of each non-preemptive priority class of an M/M/c queue, highest class first.

    Cobham (1954), with the same exponential service for every class: W_k = W0 / ((1 - s_{k-1})(1 - s_k)),
    where W0 = C(c, a) S / c is the mean time until some server frees when all are busy and s_k the load
    of classes 0..k per server.
    """
    a = arrivals_per_hour * service_hours_mean
    w0 = erlang_c_probability(servers, a) * service_hours_mean / servers
    out, above = [], 0.0
    for share in shares:
        upto = above + share * a / servers
        out.append(w0 / ((1 - above) * (1 - upto)))
        above = upto
    return out
