-- wrk script: prints one machine-readable line at the end of a run, read by bench/run.sh.
-- Errors are wrk's own counts: socket errors (connect, read, write, timeout) and HTTP statuses >= 400.
-- run.sh prepends a request setup (method, body, headers) where a scenario needs one.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.bytes, summary.duration,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    e.connect, e.read, e.write, e.timeout, e.status))
end
