-- wrk script: POST Prometheus/Alertmanager API v2 alert arrays to BENCH_PATH.
-- BENCH_BATCH alerts per request (default 1) cycling through 1,000 distinct label sets, so every request
-- after the first thousand alerts is a re-delivery (the dedup path). Bodies are built once in init().
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local path = os.getenv("BENCH_PATH") or "/api/v2/alerts"
local label_sets = 1000
local bodies = {}
local cursor = 0

local function alert(i)
  return string.format(
    '{"labels":{"alertname":"DiskFilling","severity":"warning","job":"node","team":"t%d",' ..
    '"instance":"node-%04d.bench.internal:9100"},"annotations":{"summary":"disk on node-%04d above 90%%",' ..
    '"runbook_url":"https://runbooks.bench.internal/disk"},"startsAt":"2026-01-01T00:00:00Z",' ..
    '"generatorURL":"http://prometheus.bench.internal:9090/graph"}', i % 7, i, i)
end

local thread_ids = 0
function setup(thread)
  thread:set("tid", thread_ids)
  thread_ids = thread_ids + 1
end

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  local count = math.max(1, math.floor(label_sets / batch))
  for b = 0, count - 1 do
    local parts = {}
    for k = 0, batch - 1 do parts[#parts + 1] = alert((b * batch + k) % label_sets) end
    bodies[#bodies + 1] = wrk.format("POST", path, headers, "[" .. table.concat(parts, ",") .. "]")
  end
  cursor = ((tid or 0) * 331) % #bodies
end

function request()
  cursor = cursor % #bodies + 1
  return bodies[cursor]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f alerts_per_s=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests / seconds, summary.requests / seconds * batch, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
