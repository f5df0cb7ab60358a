-- submit.lua - wrk script for bench_http: POST /api/v1/responses, each request a valid PHQ-9 or
-- GAD-7 response for one of many patients (open episodes at the logged-in clinician's unit).
-- Environment (set by bench_http):
--   STEGVIS_BENCH_LUA_DIR   this folder (for wrk_report.lua)
--   STEGVIS_BENCH_COOKIE    "stegvis_session=..." of a clinician's session
--   STEGVIS_BENCH_CSRF      that session's CSRF token
--   STEGVIS_BENCH_TARGETS   a file of "PATIENT_ID EPISODE_ID" lines
--   STEGVIS_BENCH_OFFSET    optional: where in the request list to start (bench_postgres runs two
--                           wrk processes at once and starts the second one elsewhere)
dofile(os.getenv("STEGVIS_BENCH_LUA_DIR") .. "/wrk_report.lua")

local VARIANTS = 8 -- different answer sets per patient, prepared up front (the client stays cheap)
local requests = {}
local next_request = 1

local function answers(count, seed)
  local list = {}
  for i = 1, count do
    list[i] = tostring((seed * 7 + i * 3) % 4)
  end
  return "[" .. table.concat(list, ",") .. "]"
end

function init(args)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = os.getenv("STEGVIS_BENCH_COOKIE"),
    ["X-CSRF-Token"] = os.getenv("STEGVIS_BENCH_CSRF"),
  }
  for n, line in ipairs(read_lines("STEGVIS_BENCH_TARGETS")) do
    local patient, episode = line:match("^(%d+) (%d+)$")
    for v = 1, VARIANTS do
      local phq9 = (n + v) % 2 == 0
      local body = string.format(
        '{"patient_id":%s,"episode_id":%s,"instrument":"%s","answers":%s}', patient, episode,
        phq9 and "phq9" or "gad7", answers(phq9 and 9 or 7, n * VARIANTS + v))
      table.insert(requests, wrk.format("POST", "/api/v1/responses", headers, body))
    end
  end
  -- each thread starts at a different place in the list
  local offset = tonumber(os.getenv("STEGVIS_BENCH_OFFSET") or "0") or 0
  next_request = ((thread_no or 1) * 997 + offset) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
