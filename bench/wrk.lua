-- wrk script of the page benchmark (bench/pages.py): counts every answer that is not 2xx (a
-- redirect to the login page is a failure here) and prints one line of JSON at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50_us": %d, "p95_us": %d, "socket_errors": %d, "not_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95), socket, bad))
end
