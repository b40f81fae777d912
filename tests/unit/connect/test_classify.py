"""Each driver's real exception types, mapped to the reasons reports show."""

from __future__ import annotations

import errno
import socket
import ssl

import pika.exceptions
import psycopg
import pymysql
import pytest
import redis
from pika.adapters.utils import connection_workflow

from gate.checks.connect.outcome import (
    Attempt, Reason, causes, classify_os_error, os_error_in, text_of)
from gate.checks.connect.probes import amqp, mysql, postgres
from gate.checks.connect.probes import redis as redis_probe

ATTEMPT = Attempt(3.0)
ATTEMPT.begin("connecting and logging in")


@pytest.mark.parametrize("exc, reason", [
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), Reason.DNS),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), Reason.REFUSED),
    (TimeoutError("timed out"), Reason.TIMEOUT),
    (socket.timeout("timed out"), Reason.TIMEOUT),
    (ConnectionResetError(errno.ECONNRESET, "reset"), Reason.PROTOCOL),
    (OSError(errno.EHOSTUNREACH, "No route to host"), Reason.UNREACHABLE),
    (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), Reason.TLS),
])
def test_socket_errors(exc: OSError, reason: Reason) -> None:
    assert classify_os_error(exc, "connecting")[0] is reason


def test_a_verification_error_keeps_its_message() -> None:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_message = "self-signed certificate"
    assert classify_os_error(exc) == (Reason.TLS, "certificate verify failed: "
                                                  "self-signed certificate")


@pytest.mark.parametrize("exc, reason", [
    (psycopg.OperationalError('connection failed: FATAL:  password authentication failed '
                              'for user "app"'), Reason.AUTH),
    (psycopg.OperationalError("fe_sendauth: no password supplied"), Reason.AUTH),
    (psycopg.OperationalError('FATAL:  role "nobody" does not exist'), Reason.AUTH),
    (psycopg.OperationalError('FATAL:  no pg_hba.conf entry for host "10.0.0.1"'), Reason.AUTH),
    (psycopg.errors.ConnectionTimeout("connection timeout expired"), Reason.TIMEOUT),
    (psycopg.OperationalError("connection failed: Connection refused"), Reason.REFUSED),
    (psycopg.OperationalError("could not translate host name \"db\" to address"), Reason.DNS),
    (psycopg.OperationalError("SSL error: certificate verify failed"), Reason.TLS),
    (psycopg.OperationalError('FATAL:  database "nodb" does not exist'), Reason.PROTOCOL),
])
def test_postgres(exc: Exception, reason: Reason) -> None:
    assert postgres.failure(exc, ATTEMPT).reason is reason


@pytest.mark.parametrize("exc, reason", [
    (pymysql.err.OperationalError(1045, "Access denied for user 'root'@'h'"), Reason.AUTH),
    (pymysql.err.OperationalError(1044, "Access denied for user to database 'x'"), Reason.AUTH),
    (pymysql.err.OperationalError(2013, "Lost connection to MySQL server during query "
                                        "(timed out)"), Reason.TIMEOUT),
    (pymysql.err.OperationalError(2013, "Lost connection to MySQL server"), Reason.PROTOCOL),
    (pymysql.err.OperationalError(1049, "Unknown database 'x'"), Reason.PROTOCOL),
])
def test_mysql(exc: Exception, reason: Reason) -> None:
    assert mysql.failure(exc, ATTEMPT).reason is reason


def test_mysql_looks_inside_for_the_socket_error() -> None:
    try:
        try:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        except OSError:
            raise pymysql.err.OperationalError(2003, "Can't connect to MySQL server") from None
    except pymysql.err.OperationalError as exc:
        assert mysql.failure(exc, ATTEMPT).reason is Reason.REFUSED


@pytest.mark.parametrize("exc, reason", [
    (redis.AuthenticationError("invalid username-password pair"), Reason.AUTH),
    (redis.ResponseError("NOAUTH Authentication required."), Reason.AUTH),
    (redis.TimeoutError("Timeout reading from socket"), Reason.TIMEOUT),
    (redis.ConnectionError("Error 111 connecting to h:1. Connection refused."), Reason.REFUSED),
    (redis.ConnectionError("Error -2 connecting to h:1. Name or service not known."),
     Reason.DNS),
    (redis.ResponseError("ERR unknown command"), Reason.PROTOCOL),
])
def test_redis(exc: Exception, reason: Reason) -> None:
    assert redis_probe.failure(exc, ATTEMPT).reason is reason


@pytest.mark.parametrize("exc, reason", [
    (pika.exceptions.ProbableAuthenticationError("(403) 'ACCESS_REFUSED'"), Reason.AUTH),
    (pika.exceptions.ProbableAccessDeniedError("(530) 'NOT_ALLOWED'"), Reason.AUTH),
    (pika.exceptions.AMQPConnectionError(connection_workflow.AMQPConnectorSocketConnectError(
        ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"))), Reason.REFUSED),
    (connection_workflow.AMQPConnectorStackTimeout("Timeout during AMQP handshake"),
     Reason.TIMEOUT),
    (pika.exceptions.IncompatibleProtocolError("bad frame"), Reason.PROTOCOL),
])
def test_amqp(exc: Exception, reason: Reason) -> None:
    assert amqp.failure(exc, ATTEMPT).reason is reason


def test_timeouts_name_the_step() -> None:
    detail = postgres.failure(psycopg.errors.ConnectionTimeout("x"), ATTEMPT).detail
    assert detail == "no answer within 3 s while connecting and logging in"


def test_causes_and_text_of_follow_wrapped_exceptions() -> None:
    inner = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    outer = pika.exceptions.AMQPConnectionError(
        connection_workflow.AMQPConnectorSocketConnectError(inner))
    assert os_error_in(outer) is inner
    assert causes(outer)[0] is outer
    assert text_of(outer) == ("AMQPConnectionError: AMQPConnectorSocketConnectError: "
                              "[Errno 111] Connection refused")
