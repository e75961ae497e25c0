-- wrk's report for bench/pages.sh: one line "req/s p50 p95 p99 non-2xx" (latencies in ms).
done = function(summary, latency, requests)
  local function ms(q) return string.format("%.2fms", latency:percentile(q) / 1000) end
  io.write(string.format("%.1f %s %s %s %d\n", summary.requests / (summary.duration / 1e6),
    ms(50), ms(95), ms(99), summary.errors.status))
end
