-- wrk_report.lua - loaded by submit.lua and read.lua: counts every answer's status in each wrk
-- thread (response) and prints machine-readable lines at the end (done), which bench_http reads:
--   BENCH key value        requests, duration_us, p50_us, p99_us, errors_*
--   BENCH status CODE N    answers per HTTP status
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for code, n in pairs(counts) do
      total[code] = (total[code] or 0) + n
    end
  end
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  for _, kind in ipairs({ "connect", "read", "write", "timeout" }) do
    io.write(string.format("BENCH errors_%s %d\n", kind, summary.errors[kind]))
  end
  for code, n in pairs(total) do
    io.write(string.format("BENCH status %d %d\n", code, n))
  end
end

-- The lines of a file, or an error naming the variable that pointed to it.
function read_lines(variable)
  local path = os.getenv(variable)
  local file = path and io.open(path, "r")
  if not file then
    error(variable .. " does not name a readable file")
  end
  local lines = {}
  for line in file:lines() do
    if line ~= "" then
      table.insert(lines, line)
    end
  end
  file:close()
  return lines
end
