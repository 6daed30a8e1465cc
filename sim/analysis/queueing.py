"""Queueing theory the model is validated against (tests/test_mmc.py): the Erlang C formula."""

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
