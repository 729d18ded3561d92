-- A POST of 100 bytes (or $BODY_BYTES), as every benchmark here sends.
wrk.method = "POST"
wrk.body = string.rep("x", tonumber(os.getenv("BODY_BYTES") or "100"))
wrk.headers["Content-Type"] = "text/plain"
