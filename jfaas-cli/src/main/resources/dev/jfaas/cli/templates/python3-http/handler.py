def handle(method, path, headers, body):
    """The {{name}} function: returns (status, headers, body)."""
    return 200, {"Content-Type": "text/plain"}, b"Hello from {{name}}: " + body
