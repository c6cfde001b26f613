-- Requests taken in turn from the file $BENCH_TARGETS, one per line: "METHOD PATH KEY" (KEY "-"
-- sends no Authorization header); a POST carries $BENCH_BODY as JSON. Prints one line:
-- WRK {"rps": .., "p50_ms": .., "p99_ms": .., "requests": .., "errors": .., "non2xx": ..}
local body = os.getenv("BENCH_BODY")
local reqs = {}
local n = 0
init = function(args)
  for line in io.lines(os.getenv("BENCH_TARGETS")) do
    local method, path, key = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if method then
      local headers = {}
      if key ~= "-" then headers["Authorization"] = "Bearer " .. key end
      if method == "POST" then
        headers["Content-Type"] = "application/json"
        reqs[#reqs + 1] = wrk.format(method, path, headers, body)
      else
        reqs[#reqs + 1] = wrk.format(method, path, headers)
      end
    end
  end
end
request = function()
  n = n + 1
  return reqs[n % #reqs + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "requests": %d, "errors": %d, "non2xx": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
