-- POST /book with a distinct free slot and a distinct email per request.
--
-- Environment (set by bench/run.py):
--   BENCH_STARTS   file with one URL-encoded ISO start per line (free slots, in order)
--   BENCH_CSRF     a CSRF token valid for BENCH_COOKIE's session (Flask-WTF ties it to the session)
--   BENCH_COOKIE   the Cookie header of that session
--   BENCH_THREADS  wrk's thread count, so threads take disjoint slots (thread i: i, i+n, ...)
-- Once a thread runs out of slots it reuses them, which answers 409: those are counted
-- apart from the 303 successes, never folded into them.
local starts = {}
for line in io.lines(os.getenv("BENCH_STARTS")) do starts[#starts + 1] = line end
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local threads = {}
local counter = 0
counts = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function request()
  local n = index + counter * nthreads
  counter = counter + 1
  local start = starts[(n % #starts) + 1]
  local body = "csrf_token=" .. csrf .. "&start=" .. start .. "&tz=Europe%2FLondon"
    .. "&name=Bench+Visitor&email=bench-" .. index .. "-" .. counter .. "%40example.com"
    .. "&phone=&message=&agree=y"
  return wrk.format("POST", "/book", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses " .. table.concat(parts, " ") .. "\n")
end
