"""moto's server, one request at a time.

moto's DynamoDB backend applies a transaction by checking, writing and, on failure, restoring
a deep copy of the whole table; its condition checks likewise read and then write. Under the
stock threaded server, two concurrent requests can interleave inside those steps, so a failed
transaction can roll back another one's committed writes. Real DynamoDB isolates each request;
serialising requests here gives the same isolation, which the concurrency tests rely on.
Connections are still served on threads, so clients keep their keep-alive pools.

Usage: moto-server.py [-H HOST] [-p PORT]
"""

import argparse
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # Drain the response inside the lock: moto may do its work lazily.
            return list(app(environ, start_response))

    run_simple(args.host, args.port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
