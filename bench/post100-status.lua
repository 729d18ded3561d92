-- post100.lua that also tells, on stderr, the first answer of each status other than 2xx (for
-- fills, whose rate is not measured: a response callback costs wrk time).
wrk.method = "POST"
wrk.body = string.rep("x", tonumber(os.getenv("BODY_BYTES") or "100"))
wrk.headers["Content-Type"] = "text/plain"
local seen = {}
response = function(status, headers, body)
  if status >= 300 and not seen[status] then
    seen[status] = true
    io.stderr:write(string.format("HTTP %d: %s\n", status, string.sub(body or "", 1, 200)))
  end
end
