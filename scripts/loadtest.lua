-- wrk script for `make loadtest` (scripts/loadtest.sh): closed-loop clients, no think time, each taking the
-- URLs of a list round-robin in the three languages, with the latency of every request recorded by URL group.
--
--   wrk -t50 -c50 -d30s -s scripts/loadtest.lua http://127.0.0.1:PORT -- URL_FILE P95_LIMIT_MS
--
-- URL_FILE has one "group kind path" per line; kind is "page" (public pages) or "api" (the stats API). wrk
-- must run one connection per thread (-t equal to -c): its Lua callbacks do not say which connection a
-- response belongs to, and with one connection per thread each response answers the thread's last request.
-- done() prints count, errors (non-2xx answers and socket errors), p50/p95/p99 and maximum per group and per
-- kind, and exits with 1 on any error or when the public pages' p95 reaches P95_LIMIT_MS.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } loadtest_timespec;
  int clock_gettime(int clock_id, loadtest_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local now_buffer = ffi.new("loadtest_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_buffer)
  return tonumber(now_buffer.tv_sec) * 1000 + tonumber(now_buffer.tv_nsec) / 1e6
end

local LANGUAGES = { "ru", "kk", "en" }

local function read_urls(path)
  local urls = {}
  for line in io.lines(path) do
    local group, kind, url_path = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if group then
      for _, language in ipairs(LANGUAGES) do
        urls[#urls + 1] = { group = group, kind = kind, path = url_path, language = language }
      end
    end
  end
  assert(#urls > 0, "no URLs in " .. path)
  return urls
end

-- Main state: hand each thread its number, keep the threads to collect their figures in done().
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  threads[#threads + 1] = thread
end

-- Thread state.
local urls, position, current, started
p95_limit_ms = nil -- the second script argument (init() runs in the threads only, so done() reads it here)
-- Read by done() through thread:get, which copies flat tables only (a nested one crashes wrk 4.1).
latency_ms = {} -- of every answer, in order
latency_group = {} -- the group of each of them
failures = {} -- group -> number of non-2xx answers
kinds = {} -- group -> kind

function init(args)
  urls = read_urls(assert(args[1], "usage: wrk ... -s loadtest.lua URL -- URL_FILE P95_LIMIT_MS"))
  p95_limit_ms = tonumber(args[2] or "100")
  -- Threads start at different places in the list, so that every URL is in flight at once.
  position = (thread_number * 7) % #urls
end

function request()
  position = position % #urls + 1
  current = urls[position]
  started = now_ms()
  return wrk.format("GET", current.path, {
    ["Accept-Language"] = current.language,
    -- As the TLS-terminating proxy of the production shape says (SECURE_PROXY_SSL_HEADER).
    ["X-Forwarded-Proto"] = "https",
  })
end

function response(status, headers, body)
  local elapsed = now_ms() - started
  local group = current.group
  latency_ms[#latency_ms + 1] = elapsed
  latency_group[#latency_group + 1] = group
  if not kinds[group] then
    failures[group], kinds[group] = 0, current.kind
  end
  if status < 200 or status > 299 then
    failures[group] = failures[group] + 1
  end
end

local function percentile(sorted, share)
  if #sorted == 0 then
    return 0
  end
  return sorted[math.max(1, math.ceil(share * #sorted))]
end

local function summary_of(list)
  table.sort(list)
  return {
    count = #list,
    p50 = percentile(list, 0.50),
    p95 = percentile(list, 0.95),
    p99 = percentile(list, 0.99),
    max = list[#list] or 0,
  }
end

function done(summary, latency, requests)
  local limit = threads[1]:get("p95_limit_ms")
  local by_group, by_kind, errors_by_group, errors_by_kind, kind_of = {}, {}, {}, {}, {}
  local non_2xx = 0
  for _, thread in ipairs(threads) do
    local thread_failures, thread_kinds = thread:get("failures"), thread:get("kinds")
    for group, kind in pairs(thread_kinds) do
      kind_of[group] = kind
      by_group[group] = by_group[group] or {}
      by_kind[kind] = by_kind[kind] or {}
      errors_by_group[group] = (errors_by_group[group] or 0) + thread_failures[group]
      errors_by_kind[kind] = (errors_by_kind[kind] or 0) + thread_failures[group]
      non_2xx = non_2xx + thread_failures[group]
    end
    local groups = thread:get("latency_group")
    for index, value in ipairs(thread:get("latency_ms")) do
      local group = groups[index]
      table.insert(by_group[group], value)
      table.insert(by_kind[kind_of[group]], value)
    end
  end

  local seconds = summary.duration / 1e6
  local socket = summary.errors
  local socket_errors = socket.connect + socket.read + socket.write + socket.timeout
  io.write(string.format("\n%d requests in %.1f s: %.0f requests/s, %d connections, %d non-2xx, %d socket errors "
    .. "(connect %d, read %d, write %d, timeout %d)\n", summary.requests, seconds, summary.requests / seconds,
    #threads, non_2xx, socket_errors, socket.connect, socket.read, socket.write, socket.timeout))
  io.write(string.format("%-22s %8s %7s %9s %9s %9s %9s\n", "group", "requests", "errors", "p50 ms", "p95 ms",
    "p99 ms", "max ms"))
  local function line(name, list, errors)
    local figures = summary_of(list)
    io.write(string.format("%-22s %8d %7d %9.1f %9.1f %9.1f %9.1f\n", name, figures.count, errors, figures.p50,
      figures.p95, figures.p99, figures.max))
    return figures
  end
  local names = {}
  for group in pairs(by_group) do
    names[#names + 1] = group
  end
  table.sort(names, function(a, b) -- pages first, then the API
    if kind_of[a] ~= kind_of[b] then
      return kind_of[a] == "page"
    end
    return a < b
  end)
  for _, group in ipairs(names) do
    line("  " .. group, by_group[group], errors_by_group[group])
  end
  local totals = {}
  for _, kind in ipairs({ "page", "api" }) do
    if by_kind[kind] then
      totals[kind] = line(kind == "page" and "public pages" or "stats API", by_kind[kind], errors_by_kind[kind])
    end
  end

  local problems = {}
  if non_2xx > 0 or socket_errors > 0 then
    problems[#problems + 1] = string.format("%d non-2xx answers and %d socket errors", non_2xx, socket_errors)
  end
  if not totals.page then
    problems[#problems + 1] = "no public page was requested"
  elseif totals.page.p95 >= limit then
    problems[#problems + 1] = string.format("public pages p95 %.1f ms is not under %d ms", totals.page.p95, limit)
  end
  if #problems > 0 then
    io.write("FAIL: " .. table.concat(problems, "; ") .. "\n")
    os.exit(1)
  end
  io.write(string.format("PASS: no errors; public pages p95 %.1f ms < %d ms\n", totals.page.p95, limit))
end
