"""A desk's queue: SimPy's ``PriorityResource`` with a short way in and out for a seat nobody else wants.

Most staff tasks find a free seat and nobody waiting. Through SimPy's own request and release that still
costs two events and a resumption of the process each: the request is granted by an event the process
waits for, and the release is an event whose callback lets the next request in. :meth:`DeskQueue.seize`
takes a free seat at once (no event, no resumption). :meth:`DeskQueue.release_after` gives it back as SimPy
does (an event only if someone waits), so a process that goes straight on at the same desk keeps its place;
:meth:`DeskQueue.free` gives it back and lets the next in line in at once, for tasks that nothing goes on from.
A task that must wait queues through SimPy as before, in priority order. The queue discipline is unchanged.
"""

from __future__ import annotations

import bisect

import simpy
from simpy.events import Event
from simpy.resources.resource import PriorityRequest


class Seat:
    """A seat taken without a SimPy request (a token in the resource's users)."""

    __slots__ = ()


def _key(request) -> tuple:
    return request.key


class _Queue(list):
    """The waiting requests in priority order: SimPy's ``SortedQueue`` order, by insertion instead of a sort."""

    def append(self, item) -> None:
        bisect.insort_right(self, item, key=_key)  # after equal keys, as the stable sort put it


class Waiting(PriorityRequest):
    """A request made when :meth:`DeskQueue.seize` found no seat: it queues without SimPy's grant attempt.

    SimPy's request tries to grant every new request at once and adds a callback for releases that a
    ``PriorityResource`` never needs; both are wasted here, since no seat is free or someone is ahead.
    """

    def __init__(self, resource: "DeskQueue", priority: int):
        Event.__init__(self, resource._env)
        self.resource = resource
        self.proc = self.env.active_process
        self.priority, self.preempt, self.time = priority, True, self.env.now
        self.key = (priority, self.time, False)
        resource.put_queue.append(self)


class DeskQueue(simpy.PriorityResource):
    """A ``PriorityResource`` with :meth:`seize`, :meth:`wait` and :meth:`free` (see module doc)."""

    PutQueue = _Queue

    def seize(self) -> Seat | None:
        """Take a seat now if one is free and nobody waits; ``None`` otherwise (then queue with ``request``)."""
        users = self.users
        if self.put_queue or len(users) >= self._capacity:
            return None
        seat = Seat()
        users.append(seat)
        return seat

    def wait(self, priority: int) -> Waiting:
        """Queue for a seat (after :meth:`seize` found none): the request is granted in priority order."""
        return Waiting(self, priority)

    def release_after(self, holder) -> None:
        """Give back a seat as SimPy's own release does: the next in line gets it after this instant's process step.

        A caseworker who finishes a household's first visit goes straight on to its decision: the process asks
        for a seat again at the same instant and, as with SimPy's release event, takes the seat it just freed
        before anyone waiting does (unless they go first by priority). Only when someone waits does this cost an
        event (the one SimPy always spent).
        """
        self.users.remove(holder)
        if self.put_queue:
            after = Event(self._env)
            after.callbacks.append(self._trigger_put)
            after.succeed()

    def free(self, holder) -> None:
        """Give back a seat (a :class:`Seat` or a granted request) and let the next in line take it now.

        For a task whose end nobody goes on from (a callback task, a daily block): nothing can ask for the seat
        at this instant on the strength of having just held it.
        """
        self.users.remove(holder)
        if self.put_queue:
            self._trigger_put(None)
