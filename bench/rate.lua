-- wrk script: an open-loop load at a fixed request rate (wrk2-style), prepended to report.lua by bench/run.sh.
-- wrk itself is closed-loop: each connection sends its next request as soon as the answer is in, so the faster
-- proxy is also offered more load, and on a machine whose cores wrk, the backend and the proxy share that load
-- is what decides the tail. Here each wrk thread follows its own schedule of BENCH_RATE / BENCH_THREADS requests
-- a second: every request takes the next slot, and delay() holds it back until that slot's time. A thread that
-- falls behind sends at once until it has caught up, so the rate offered is the one asked for as long as the
-- proxy can carry it; the rate reached is in the report. wrk's timer has 1 ms granularity, so sends are
-- released at most 1 ms late, and latency is measured from the actual send, as wrk does.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } hr_timespec;
  int clock_gettime(int clk_id, hr_timespec *tp);
]]
local ts = ffi.new("hr_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local rate = tonumber(os.getenv("BENCH_RATE") or "") or error("rate.lua: BENCH_RATE (requests/s in total) is not set")
local threads = tonumber(os.getenv("BENCH_THREADS") or "") or error("rate.lua: BENCH_THREADS is not set")
local interval_ms = 1000 * threads / rate
local next_ms = nil

delay = function()
  local t = now_ms()
  if next_ms == nil then next_ms = t end
  next_ms = next_ms + interval_ms
  local d = next_ms - t
  if d < 1 then return 0 end
  return math.floor(d)
end
