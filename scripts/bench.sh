#!/usr/bin/env bash
# The scale benchmark of docs/performance.md: a batch of N people (default
# 100,000) as a CSV read through csvdecode, planned and applied against the
# standalone sandbox on loopback. It prints one table row per step: wall
# time, daftar's CPU time (user + system: other load on the machine changes
# it less than the wall time), throughput and peak memory (GNU time's
# maximum resident set size).
#
#   scripts/bench.sh [N] [LIMITED_N] [LIMIT]
#
#   N          people in the batch (default 100000)
#   LIMITED_N  people in the rate-limited apply (default 2000): at LIMIT
#              requests per second it takes LIMITED_N/LIMIT seconds, so it
#              uses a smaller batch than N to end in reasonable time
#   LIMIT      rate_limit of that apply (default 100)
#
# Two shapes of the batch are measured. The lean one: the accounts alone,
# which nothing refers to. The shape users write ("with dependents"): the
# same accounts, outputs over the whole batch (length(usapi_account.person))
# and a Proofylink verification per row that reads its account's e-mail
# (usapi_account.person[each.key].email), as examples/batch has. The second
# shape starts from the first's state, so its apply creates the
# verifications only.
#
# Not run by CI: it takes minutes and measures the machine it runs on.
# BENCH_TSV=FILE also writes the rows as tab-separated values (step, people,
# wall seconds, CPU seconds, peak RSS in MB), which scripts/benchchart reads.
# Environment: BENCH_DIR keeps the work directory (default: a temporary
# one, removed at the end); BENCH_PORT is the sandbox's port (default
# 18787); BENCH_PARALLELISM is -parallelism of the unlimited apply (default
# 32: with no rate limit, more requests in flight hide the loopback's and
# the fsyncs' latency).
set -euo pipefail

n=${1:-100000}
limited_n=${2:-2000}
limit=${3:-100}
port=${BENCH_PORT:-18787}
parallelism=${BENCH_PARALLELISM:-32}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (Debian package time) for peak memory" >&2
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
cleanup() {
  if [ -n "${sandbox_pid:-}" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  if [ -z "${BENCH_DIR:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

echo "building daftar" >&2
(cd "$repo" && go build -o "$work/daftar" .)
daftar=$work/daftar

# people writes a CSV of count people; from offset on, usernames get the
# suffix, so that the same call with another suffix changes those rows.
# With nik=1 it adds a valid, unique NIK per row (for the verifications).
# One awk process: a million rows take about a second.
people() {
  local count=$1 changed_from=${2:-$1} suffix=${3:-} nik=${4:-0}
  awk -v n="$count" -v from="$changed_from" -v sfx="$suffix" -v nik="$nik" 'BEGIN {
    printf "username,first_name,last_name,email,phone_number%s\n", (nik ? ",nik" : "")
    for (i = 0; i < n; i++) {
      u = sprintf("p%07d%s", i, (i >= from ? sfx : ""))
      printf "%s,Nama%d,Keluarga%d,%s@example.id,6281%s%08d", u, i, i, u, (i >= from ? "5" : "0"), i
      if (nik) {
        # region 327301, day 01-28, month 01-12, year 90, serial 0001-9999
        r = int(i / 9999)
        printf ",327301%02d%02d90%04d", r % 28 + 1, int(r / 28) % 12 + 1, i % 9999 + 1
      }
      printf "\n"
    }
  }'
}

# config writes a batch configuration to dir with the given rate limit.
config() {
  local dir=$1 rate=$2
  mkdir -p "$dir"
  cat >"$dir/main.hcl" <<EOF
provider "usapi" {
  endpoint   = "http://127.0.0.1:$port/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = $rate
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each = local.people

  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}
EOF
}

# dependents adds to a batch configuration in dir what users write besides
# the accounts: a verification per row that reads its account's e-mail, and
# outputs over the whole batch.
dependents() {
  local dir=$1
  mkdir -p "$dir/ktp" "$dir/consent"
  cp "$repo/examples/batch/ktp/p1.jpg" "$dir/ktp/p1.jpg"
  cp "$repo/examples/batch/consent/form.pdf" "$dir/consent/form.pdf"
  cat >>"$dir/main.hcl" <<EOF

provider "proofylink" {
  endpoint        = "http://127.0.0.1:$port/proofylink"
  token           = "sandbox-proofylink-token"
  rate_limit      = 0
  duplicate_check = false
}

resource "proofylink_verification" "person" {
  for_each = local.people

  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "\${each.value.first_name} \${each.value.last_name}"
  email                = usapi_account.person[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = "ktp/p1.jpg"
  form_consent         = "consent/form.pdf"
}

output "registered" {
  value = length(usapi_account.person)
}

output "verified" {
  value = length(proofylink_verification.person)
}
EOF
}

rows=()
# measure runs a daftar command in dir, counting count items, and adds a
# table row; the command's output goes to dir/NAME.log.
measure() {
  local name=$1 dir=$2 count=$3; shift 3
  local log=$dir/${name// /-}.log stats=$dir/${name// /-}.time
  local code=0
  (cd "$dir" && /usr/bin/time -v -o "$stats" "$daftar" "$@" >"$log" 2>&1) || code=$?
  if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
    echo "$name failed (exit $code); the last lines of $log:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$stats")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$stats")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$stats")
  rows+=("$(awk -v name="$name" -v n="$count" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" 'BEGIN {
    k = split(wall, p, ":"); s = 0
    for (i = 1; i <= k; i++) s = s * 60 + p[i]
    printf "| %-36s | %9d | %8.2f s | %8.2f s | %10.0f/s | %6.0f MB |", name, n, s, cpu, (s > 0 ? n / s : 0), rss / 1024
  }')")
  echo "${rows[-1]}" >&2
  echo "  last line: $(tail -1 "$log")" >&2
  if [ -n "${BENCH_TSV:-}" ]; then
    awk -v name="$name" -v n="$count" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" 'BEGIN {
      k = split(wall, p, ":"); s = 0
      for (i = 1; i <= k; i++) s = s * 60 + p[i]
      printf "%s\t%d\t%.2f\t%.2f\t%.0f\n", name, n, s, cpu, rss / 1024
    }' >>"$BENCH_TSV"
  fi
}

echo "starting the sandbox on 127.0.0.1:$port" >&2
# Enough Proofylink tokens for a verification per person, each decided at
# once (the next run reads and records its final status).
"$daftar" sandbox -addr="127.0.0.1:$port" -data="$work/sandbox" -tokens=$((n + 1000)) -verify-delay=1ms >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 50); do
  if curl -sf "http://127.0.0.1:$port/_sandbox/state" >/dev/null 2>&1; then break; fi
  sleep 0.1
done

big=$work/batch
config "$big" 0
people "$n" >"$big/people.csv"
measure "plan from empty" "$big" "$n" plan -detailed-exitcode
measure "plan -out, from empty" "$big" "$n" plan -out=plan.bin
measure "show -json PLANFILE" "$big" "$n" show -json plan.bin
rm -f "$big/plan.bin"
measure "apply, unlimited, -parallelism=$parallelism" "$big" "$n" apply -auto-approve -parallelism="$parallelism"
measure "plan, no changes" "$big" "$n" plan -detailed-exitcode
measure "plan, no changes, -refresh=false" "$big" "$n" plan -refresh=false -detailed-exitcode
measure "apply, no changes (the nightly cron)" "$big" "$n" apply -auto-approve
people "$n" $((n - n / 100)) x >"$big/people.csv"
measure "plan, 1% changed" "$big" "$n" plan -detailed-exitcode
people "$n" >"$big/people.csv"
measure "plan -refresh-only (reads all)" "$big" "$n" plan -refresh-only -parallelism="$parallelism"
measure "plan -json, no changes" "$big" "$n" plan -json
measure "state list" "$big" "$n" state list
measure "report -format=html" "$big" "$n" report -format=html
measure "report -format=csv" "$big" "$n" report -format=csv
measure "report -format=json" "$big" "$n" report -format=json
measure "audit verify" "$big" "$n" audit verify

# The shape users write, from the lean batch's state: its apply creates the
# verifications.
users=$work/users
config "$users" 0
dependents "$users"
people "$n" "$n" "" 1 >"$users/people.csv"
cp "$big/daftar.state.json" "$users/"
cp -r "$big/.daftar" "$users/"
measure "with dependents: apply, verifications" "$users" "$n" apply -auto-approve -parallelism="$parallelism"
measure "with dependents: apply, reads their outcome" "$users" "$n" apply -auto-approve -parallelism="$parallelism"
measure "with dependents: plan, no changes" "$users" "$n" plan -detailed-exitcode
measure "with dependents: apply, no changes" "$users" "$n" apply -auto-approve

small=$work/limited
config "$small" "$limit"
awk -v n="$limited_n" 'NR == 1 { print; next } { sub(/^p/, "q"); gsub(/@example/, "-q@example"); sub(/,6281/, ",6282") } NR <= n + 1' \
  "$big/people.csv" >"$small/people.csv"
measure "apply, rate_limit = $limit" "$small" "$limited_n" apply -auto-approve

echo
echo "$("$daftar" version 2>/dev/null | head -1), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other processes slow the wall times; CPU is daftar's user+system time)"
echo
echo "| step                                 |    people |      wall |   daftar CPU |  throughput |   peak RSS |"
echo "|--------------------------------------|----------:|----------:|-------------:|------------:|-----------:|"
printf '%s\n' "${rows[@]}"
