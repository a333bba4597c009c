"""The smallest WSGI app: what the server and the machine manage with no framework and no database,
the yardstick a benchmark divides by (``serve("benchmarks.hello_app:app", ready_path="/")``)."""

BODY = b"Hello, world!\n"


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]
