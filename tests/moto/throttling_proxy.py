"""A proxy in front of moto that answers every Nth request with IAM's throttling error, so the
tests can see download-policies retry it. Standard library only.

usage: python3 throttling_proxy.py UPSTREAM_URL N [FAIL_TEXT]
With FAIL_TEXT, every request whose body contains it gets NoSuchEntity (not retried): a
policy that cannot be fetched. Prints the port it listens on (127.0.0.1), then serves until killed. GET /stats answers
{"requests": total, "throttled": count}.
"""
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
EVERY = int(sys.argv[2])
FAIL_TEXT = sys.argv[3].encode() if len(sys.argv) > 3 else None
THROTTLED_BODY = (
    b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
    b"<RequestId>throttling-proxy</RequestId></ErrorResponse>"
)
NOT_FOUND_BODY = (
    b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
    b"<Code>NoSuchEntity</Code><Message>injected by the test proxy</Message></Error>"
    b"<RequestId>throttling-proxy</RequestId></ErrorResponse>"
)
HOP_BY_HOP = {"host", "content-length", "connection", "accept-encoding"}

lock = threading.Lock()
stats = {"requests": 0, "throttled": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            body = json.dumps(stats).encode()
        self.reply(200, "application/json", body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            stats["requests"] += 1
            throttle = stats["requests"] % EVERY == 0
            if throttle:
                stats["throttled"] += 1
        if throttle:
            self.reply(400, "text/xml", THROTTLED_BODY)
            return
        if FAIL_TEXT is not None and FAIL_TEXT in body:
            self.reply(404, "text/xml", NOT_FOUND_BODY)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        request = urllib.request.Request(UPSTREAM + self.path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, content_type, data = response.status, response.headers.get("Content-Type"), response.read()
        except urllib.error.HTTPError as error:
            status, content_type, data = error.code, error.headers.get("Content-Type"), error.read()
        self.reply(status, content_type or "text/xml", data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
