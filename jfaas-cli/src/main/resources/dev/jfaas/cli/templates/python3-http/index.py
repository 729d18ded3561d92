# The function's server: jfaas gives it $PORT; /_/health says it is ready. Edit handler.py, not this.
import http.server
import os
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".packages"))
import handler  # noqa: E402


class Server(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        if self.path == "/_/health":
            return self.send(200, {"Content-Type": "text/plain"}, b"OK")
        body = self.body()
        try:
            status, headers, out = handler.handle(self.command, self.path, dict(self.headers), body)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return self.send(500, {"Content-Type": "text/plain"}, b"internal error")
        self.send(status, headers, out if isinstance(out, bytes) else str(out).encode())

    def body(self):
        # A body of unknown length comes chunked (as the gateway forwards a streamed one).
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = answer

    def log_message(self, *args):
        pass


class Listener(http.server.ThreadingHTTPServer):
    # Python's default backlog of 5 drops the handshakes of a burst of calls (a cold start's, say),
    # which then wait for the kernel to resend them; Go's and gunicorn's servers queue thousands.
    request_queue_size = 1024


Listener(("127.0.0.1", int(os.environ.get("PORT", "8080"))), Server).serve_forever()
