"""Where a fetch may connect: the address that was checked, and only public ones."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest

from broadsheet.lib import http
from broadsheet.lib.http import FetchError, fetch, is_public

PUBLIC = "93.184.216.34"  # never contacted: the test network below refuses it
NAME = "rebind.test"


@pytest.fixture
def resolver(monkeypatch):
    """A resolver stand-in: NAME answers each lookup with the next address in `answers`
    (the last one repeats); every other name resolves as usual. `lookups` counts them."""
    real = socket.getaddrinfo
    state = {"answers": [PUBLIC, "127.0.0.1"], "lookups": 0}

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        state["lookups"] += 1
        answer = state["answers"][min(state["lookups"], len(state["answers"])) - 1]
        addresses = answer if isinstance(answer, list) else [answer]
        return [info for a in addresses for info in real(a, port, *args, **kwargs)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return state


@pytest.fixture
def no_internet(monkeypatch):
    """Connections to PUBLIC fail as they would with no route; loopback ones go through."""
    real = httpcore.SyncBackend.connect_tcp
    tried = []

    def connect_tcp(self, host, port, *args, **kwargs):
        tried.append(host)
        if host == PUBLIC:
            raise httpcore.ConnectError("no route to host (test network)")
        return real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect_tcp)
    return tried


def test_a_name_that_rebinds_to_loopback_never_reaches_it(settings, server, resolver, no_internet):
    settings.FETCH = {**settings.FETCH, "allow_private": False, "retries": 0}
    server.expect_request("/feed.xml").respond_with_data("<rss/>")
    with pytest.raises(FetchError) as caught:
        fetch(f"http://{NAME}:{server.port}/feed.xml")
    assert caught.value.kind == "connection"
    assert len(server.log) == 0
    assert resolver["lookups"] == 1  # the one answer that was checked is the one connected to
    assert no_internet == [PUBLIC]


def test_a_name_with_any_private_address_is_refused(settings, server, resolver, no_internet):
    settings.FETCH = {**settings.FETCH, "allow_private": False}
    resolver["answers"] = [[PUBLIC, "127.0.0.1"]]
    server.expect_request("/feed.xml").respond_with_data("<rss/>")
    with pytest.raises(FetchError) as caught:
        fetch(f"http://{NAME}:{server.port}/feed.xml")
    assert caught.value.kind == "private_address"
    assert no_internet == [] and len(server.log) == 0


def test_a_pinned_connection_keeps_the_host_header(settings, server, resolver):
    resolver["answers"] = ["127.0.0.1"]  # allowed here: the conftest allows private addresses
    server.expect_request("/feed.xml").respond_with_data("<rss/>")
    response = fetch(f"http://{NAME}:{server.port}/feed.xml")
    assert response.status == 200
    assert server.log[0][0].headers["Host"] == f"{NAME}:{server.port}"


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS loopback server whose self-signed certificate names only NAME; records the SNI."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={NAME}",
                    "-addext", f"subjectAltName=DNS:{NAME}"], check=True, capture_output=True)
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], cert, seen
    httpd.shutdown()
    httpd.server_close()


def test_https_to_a_pinned_address_checks_the_certificate_of_the_name(monkeypatch, resolver, tls_server):
    port, cert, seen = tls_server
    resolver["answers"] = ["127.0.0.1"]
    trusting = http.build_client(ssl_context=ssl.create_default_context(cafile=str(cert)))
    monkeypatch.setattr(http, "client", lambda: trusting)
    assert fetch(f"https://{NAME}:{port}/").content == b"ok"
    assert seen == [NAME]
    with pytest.raises(FetchError):  # the same server by its address: the certificate does not name it
        fetch(f"https://127.0.0.1:{port}/", retries=0)


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "::a00:1",
        "64:ff9b::7f00:1",  # NAT64, well-known prefix
        "64:ff9b::a9fe:a9fe",  # ... of 169.254.169.254, the cloud metadata address
        "64:ff9b:1::c0a8:1",  # NAT64, local-use prefix
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "fe80::1",
        "224.0.0.1", "ff02::1",  # multicast
    ],
)
def test_private_addresses_in_any_form_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
)
def test_public_addresses_in_any_form_are_public(address):
    assert is_public(ipaddress.ip_address(address))


def test_a_literal_private_ipv6_form_is_refused_before_any_connection(settings, no_internet):
    settings.FETCH = {**settings.FETCH, "allow_private": False}
    with pytest.raises(FetchError) as caught:
        fetch("http://[64:ff9b::7f00:1]:8080/feed.xml")
    assert caught.value.kind == "private_address"
    assert no_internet == []
