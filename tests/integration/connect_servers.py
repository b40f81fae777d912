"""Real servers on loopback for the connect tests: each started by the test, on a free port.

A silent listener, HTTP(S) servers with certificates made by `cryptography`, a
PostgreSQL with scram-sha-256 passwords, a Redis with requirepass. Every one
stops when its context ends; nothing here touches the machine's own services.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import glob
import http.server
import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

from tests.childenv import child_env
from tests.conftest import free_port, service_available


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def make_cert(folder: Path, days: float, names: tuple[str, ...] = ("localhost", "127.0.0.1"),
              stem: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for `names`, valid from an hour ago for `days` days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Handler(http.server.BaseHTTPRequestHandler):
    """`/` answers 200 "ok: ready"; `/status/N`, `/redirect/N`, `/leak`, `/echo` as they say."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.server.seen.set()  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        if path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"status page")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self._send(302, b"", {"Location": f"/redirect/{left - 1}" if left > 1 else "/"})
        elif path == "/loop":
            self._send(302, b"", {"Location": "/loop"})
        elif path == "/leak":
            # A server that redirects to a URL with credentials of its own.
            closed = self.server.closed_port  # type: ignore[attr-defined]
            self._send(302, b"", {"Location": f"http://leaky:Redirect-S3cret@127.0.0.1:{closed}"
                                              f"/?token=Redirect-T0ken"})
        elif path == "/echo":
            # A careless server: it echoes the credentials it got in its reason phrase.
            sent = self.headers.get("Authorization", "")
            if sent.startswith("Basic "):
                sent = base64.b64decode(sent[6:]).decode()
            self._send(401, b"", reason=f"Rejected {sent}")
        elif path == "/auth":
            expected = self.server.expected_auth  # type: ignore[attr-defined]
            ok = self.headers.get("Authorization") == expected
            self._send(200 if ok else 401, b"authorised" if ok else b"no")
        else:
            self._send(200, b"ok: ready")

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(200, b"")

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              reason: str | None = None) -> None:
        self.send_response(status, reason)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def http_server(cert: tuple[Path, Path] | None = None, port: int = 0,
                expected_auth: str = "", seen: threading.Event | None = None) -> Iterator[int]:
    """An HTTP (or, given a certificate, HTTPS) server on 127.0.0.1; yields its port.

    `seen` is set at its first GET request.
    """
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.closed_port = free_port()  # type: ignore[attr-defined]
    server.expected_auth = expected_auth  # type: ignore[attr-defined]
    server.seen = seen or threading.Event()  # type: ignore[attr-defined]
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def wait_for_port(port: int, seconds: float = 20) -> None:
    """Block until something listens on 127.0.0.1:port."""
    end = time.monotonic() + seconds
    while not service_available("127.0.0.1", port, timeout=0.2):
        if time.monotonic() > end:
            raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")
        time.sleep(0.05)


@contextlib.contextmanager
def redis_with_password(password: str, port: int = 0,
                        cert: tuple[Path, Path] | None = None) -> Iterator[int]:
    """A Redis of our own that wants `password` (over TLS, given a certificate); yields its port."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = port or free_port()
    folder = tempfile.mkdtemp(prefix="gate-redis-")
    listen = ["--port", str(port)]
    if cert is not None:
        listen = ["--port", "0", "--tls-port", str(port), "--tls-cert-file", str(cert[0]),
                  "--tls-key-file", str(cert[1]), "--tls-ca-cert-file", str(cert[0]),
                  "--tls-auth-clients", "no"]
    proc = subprocess.Popen(
        [binary, *listen, "--bind", "127.0.0.1", "--requirepass", password,
         "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _as_postgres(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the postgres user (the server refuses to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True,
                          timeout=120, env=child_env(), **kwargs)  # type: ignore[call-overload]


@contextlib.contextmanager
def postgres_with_password(password: str) -> Iterator[int]:
    """A PostgreSQL of our own: user `postgres`, scram-sha-256 over TCP; yields its port."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb")
    bindir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="gate-pg-"))
    data, pwfile = root / "data", root / "pwfile"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    port = free_port()
    started = False
    try:
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync"])
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                      "-t", "60", "-o",
                      f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                      "start"])
        started = True
        yield port
    finally:
        if started:
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                          "stop"])
        shutil.rmtree(root, ignore_errors=True)
