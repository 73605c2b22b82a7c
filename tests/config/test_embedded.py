"""The embedded PostgreSQL and Redis: real servers, started on demand, reused, never wiped."""

import os
import signal
import socket
import time

import psycopg
import pytest
import redis

from config.embedded import EmbeddedPostgres, EmbeddedRedis, EmbeddedServiceError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("embedded")
    yield path


@pytest.fixture
def postgres(data_dir):
    server = EmbeddedPostgres(data_dir, port=_free_port())
    yield server
    server.stop()


def test_embedded_postgres_starts_then_is_reused_with_its_data(postgres):
    url = postgres.ensure_running("shop")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
        first_pid = conn.info.backend_pid and _postmaster_pid(postgres)

    # A second command reuses the running server instead of starting another.
    assert postgres.ensure_running("shop") == url
    assert _postmaster_pid(postgres) == first_pid

    # After a crash (the server killed, its pid file left stale) the next command restarts it
    # on the same data.
    os.kill(first_pid, signal.SIGKILL)
    _wait_until_closed(postgres.port)
    postgres.ensure_running("shop")
    assert _postmaster_pid(postgres) != first_pid
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT note FROM kept").fetchone() == ("still here",)


def test_embedded_postgres_explains_a_taken_port_in_one_line(data_dir):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(EmbeddedServiceError) as error:
            EmbeddedPostgres(data_dir, port=port).ensure_running()
    message = str(error.value)
    assert "\n" not in message
    assert f"port {port} is taken" in message
    assert "MERCATO_EMBEDDED_POSTGRES_PORT" in message


def test_embedded_redis_starts_and_keeps_its_data_across_restarts(data_dir):
    server = EmbeddedRedis(data_dir, port=_free_port())
    try:
        url = server.ensure_running()
        client = redis.Redis.from_url(url)
        client.set("cart:42", "3 items")
        assert server.ensure_running() == url  # reused, not restarted

        server.stop()
        server.ensure_running()
        assert redis.Redis.from_url(url).get("cart:42") == b"3 items"
    finally:
        server.stop()


def _postmaster_pid(server: EmbeddedPostgres) -> int:
    return int((server.pgdata / "postmaster.pid").read_text().splitlines()[0])


def _wait_until_closed(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.05)
