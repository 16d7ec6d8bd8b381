"""A local HTTP receiver standing in for a chat service: started by the test on 127.0.0.1 (port 0), it keeps
every request it gets and answers what the test tells it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: object  # case-insensitive, as HTTP headers are
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    answer: dict | str = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(Received(self.path, self.headers, self.rfile.read(length)))
            body = state.answer if isinstance(state.answer, str) else json.dumps(state.answer)
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=abc"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
