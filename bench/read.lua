-- read.lua - wrk script for bench_http: GET each path of a list in turn with a session cookie
-- (a patient's timeline for many patients, the triage queue, or anything for the trivial server).
-- Environment (set by bench_http):
--   STEGVIS_BENCH_LUA_DIR   this folder (for wrk_report.lua)
--   STEGVIS_BENCH_COOKIE    "stegvis_session=..." of a clinician's session
--   STEGVIS_BENCH_PATHS     a file of paths, one a line
dofile(os.getenv("STEGVIS_BENCH_LUA_DIR") .. "/wrk_report.lua")

local requests = {}
local next_request = 1

function init(args)
  local headers = { ["Cookie"] = os.getenv("STEGVIS_BENCH_COOKIE") }
  for _, path in ipairs(read_lines("STEGVIS_BENCH_PATHS")) do
    table.insert(requests, wrk.format("GET", path, headers))
  end
  next_request = ((thread_no or 1) * 997) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
