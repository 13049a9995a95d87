-- A mixed load for bench_load.py: each thread walks the list in LOAD_PATHS_FILE (lines
-- "public /path" or "signed /path"), sending LOAD_COOKIE on the signed-in ones, and counts the
-- answers by status class. done() prints the figures bench_load.py parses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  entries = {}
  for line in io.lines(os.getenv("LOAD_PATHS_FILE")) do
    local kind, path = line:match("^(%S+)%s+(%S+)$")
    if kind then table.insert(entries, {kind = kind, path = path}) end
  end
  cookie = os.getenv("LOAD_COOKIE")
  index = id  -- threads start at different places in the list
  ok, redirects, client_errors, server_errors = 0, 0, 0, 0
end

function request()
  index = index % #entries + 1
  local entry = entries[index]
  local headers = {}
  if entry.kind == "signed" then headers["Cookie"] = cookie end
  return wrk.format("GET", entry.path, headers)
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1
  elseif status >= 400 then client_errors = client_errors + 1
  elseif status >= 300 then redirects = redirects + 1
  else ok = ok + 1 end
end

function done(summary, latency, requests)
  local counts = {ok = 0, redirects = 0, client_errors = 0, server_errors = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do counts[name] = counts[name] + thread:get(name) end
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("LOAD requests=%d rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f "
    .. "socket_errors=%d ok=%d redirects=%d client_errors=%d server_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, counts.ok, counts.redirects,
    counts.client_errors, counts.server_errors))
end
