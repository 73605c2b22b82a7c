"""Argon2 at its cheapest cost, for the test process only (tests/conftest.py puts it in place of
Django's Argon2PasswordHasher).

The platform hashes passwords with Argon2 at Django's cost (100 MiB, 2 passes, 8 lanes): a
fraction of a second per hash or check on a loaded machine, and the suite signs people in,
registers and changes passwords thousands of times. Hashes made here are real Argon2 hashes
(``argon2$argon2id$v=19$m=8,t=1,p=1$...``): the same code path, the same checks, and the live
platform (which runs the production settings) verifies them, as Argon2 reads its cost from the
hash.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

PRODUCTION_HASHER = "django.contrib.auth.hashers.Argon2PasswordHasher"


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the minimum for one lane
    parallelism = 1


def cheap(hashers: list[str]) -> list[str]:
    return [
        f"{__name__}.CheapArgon2PasswordHasher" if path == PRODUCTION_HASHER else path
        for path in hashers
    ]
