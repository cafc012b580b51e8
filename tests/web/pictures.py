"""Pictures for the browser tests, drawn here (no publisher's image): PNGs served by a
loopback server, so a page's images load as a publisher's would, or fail with a 404."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from functools import lru_cache

import pytest

# Colour pairs of the gradients, one per picture name, so cards tell apart in screenshots.
PALETTE = [((32, 78, 140), (220, 170, 90)), ((20, 110, 90), (230, 230, 200)), ((120, 40, 60), (250, 200, 150)),
           ((60, 60, 70), (180, 200, 220)), ((150, 90, 20), (40, 40, 90)), ((90, 130, 50), (250, 240, 180))]


@lru_cache(maxsize=64)
def png(width: int, height: int, colours=PALETTE[0]) -> bytes:
    """A vertical gradient with a pale disc (a 'sun') and a dark slope, as an RGB PNG."""
    (r0, g0, b0), (r1, g1, b1) = colours
    cx, cy, radius = int(width * 0.7), height * 0.35, min(width, height) * 0.18
    rows = bytearray()
    for y in range(height):
        t = y / height
        row = bytearray(bytes((int(r0 + (r1 - r0) * t), int(g0 + (g1 - g0) * t), int(b0 + (b1 - b0) * t))) * width)
        if abs(y - cy) < radius:
            half = int((radius ** 2 - (y - cy) ** 2) ** 0.5)
            lo, hi = max(0, cx - half), min(width, cx + half)
            row[lo * 3:hi * 3] = bytes((250, 245, 225)) * (hi - lo)
        if y > height * 0.6:
            edge = min(width, int(width * 0.7 * (y - height * 0.6) / (height * 0.4)))
            row[0:edge * 3] = bytes((30, 40, 35)) * edge
        rows.append(0)
        rows += row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")


def icon_png(colour=(179, 38, 30)) -> bytes:
    return png(32, 32, (colour, colour))


@pytest.fixture
def image_server(httpserver):
    """Serves /pic/<n>-<width>.png (a 16:9 picture at that width), /icon/<n>.png (32 px)
    and answers 404 for anything else; records the Referer each request carried. Pictures
    are held back while `server.hold` is cleared (it is set: served at once), so a test can
    look at a page before they arrive."""
    from werkzeug.wrappers import Response

    seen: list[dict] = []
    hold = threading.Event()
    hold.set()

    def handler(request):
        seen.append({"path": request.path, "referer": request.headers.get("Referer")})
        picture = re.fullmatch(r"/pic/(\d+)-(\d{2,4})\.png", request.path)
        if request.path.startswith("/pic/"):
            hold.wait(30)
        if picture:
            n, width = int(picture[1]), int(picture[2])
            return Response(png(width, width * 9 // 16, PALETTE[n % len(PALETTE)]), content_type="image/png")
        icon = re.fullmatch(r"/icon/(\d+)\.png", request.path)
        if icon:
            return Response(icon_png(PALETTE[int(icon[1]) % len(PALETTE)][0]), content_type="image/png")
        return Response("not found", status=404)

    httpserver.expect_request("").respond_with_handler(handler)
    httpserver.seen, httpserver.hold = seen, hold
    return httpserver
