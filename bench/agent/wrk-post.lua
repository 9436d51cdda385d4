-- POST the file named by $BODY with Content-Type $CTYPE; with $DELAY_MS each connection waits
-- that long before each request (a paced, closed-loop stand-in for wrk2's -R: Debian's wrk 4.1
-- has no constant-rate mode). Prints one RESULT line the script parses.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("CTYPE")

local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50=%.3f p99=%.3f p999=%.3f max=%.3f errors=%d non2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status, summary.requests))
end
