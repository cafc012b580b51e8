"""A loopback socket server that answers as slowly as a hostile one: a byte at a time."""

from __future__ import annotations

import socketserver
import threading
import time
from contextlib import contextmanager

NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@contextmanager
def dripping_server(head: bytes, body: bytes, every: float = 0.2, not_found: tuple[str, ...] = ()):
    """Yields the base URL of a server that sends `head` at once, then `body` one byte every
    `every` seconds; paths in `not_found` (e.g. "/robots.txt") get a prompt 404 instead."""

    class Drip(socketserver.BaseRequestHandler):
        def handle(self):
            request = self.request.recv(65536).decode("latin-1")
            path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
            try:
                if path in not_found:
                    self.request.sendall(NOT_FOUND)
                    return
                self.request.sendall(head)
                for byte in body:
                    time.sleep(every)
                    self.request.sendall(bytes([byte]))
            except OSError:  # the client hung up: what we want
                pass

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def http_head(body: bytes, content_type: str = "application/rss+xml") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (content_type.encode(), len(body))
