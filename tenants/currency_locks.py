"""What keeps a store's currency from changing: a registry of "currency locks".

A store picks its currency at signup and may change it only while nothing recorded in it
depends on it. The apps that record amounts register a lock: a callable that takes the store
(a Tenant) and, run in the store's schema, answers why its currency can no longer change (a
sentence for the owner), or None. ``tenants.services.set_store_currency`` asks every lock and
refuses the change when one answers.

The orders app registers the lock "the store has orders" from its ``AppConfig.ready()``::

    from tenants import currency_locks

    currency_locks.register(orders_lock)  # "The store has orders: its currency is fixed."

Until an app registers one, no lock holds and the currency can always change.
"""

from collections.abc import Callable

CurrencyLock = Callable[[object], str | None]

_locks: list[CurrencyLock] = []


def register(lock: CurrencyLock) -> CurrencyLock:
    """Add a lock (usable as a decorator); registering the same callable twice adds it once."""
    if lock not in _locks:
        _locks.append(lock)
    return lock


def unregister(lock: CurrencyLock) -> None:
    """Remove a lock (for tests, and an app that stops recording amounts)."""
    if lock in _locks:
        _locks.remove(lock)


def reasons_locked(tenant) -> list[str]:
    """Why ``tenant``'s currency cannot change, one sentence per lock that holds; [] if none.

    Call it in the store's schema (the locks read the store's own rows)."""
    return [reason for reason in (lock(tenant) for lock in list(_locks)) if reason]
