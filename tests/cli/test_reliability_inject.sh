#!/usr/bin/env bash
# Hostile asset data never becomes code in an inspection command. Addresses are checked where
# they come in (add, update, import); free text (names, custom fields) reaches `shell: true`
# items shell-quoted and argv items as one whole argument; a value starting with '-' or holding
# a control character is refused for the item (UNKNOWN, naming asset and field) unless the
# placeholder allows it; placeholders a shell cannot protect are refused by `policy check`.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
T="$WORK/t"      # every hostile value tries to create a file here
OUTD="$WORK/out" # what the items write: the values as the commands received them
mkdir -p "$T" "$OUTD"

# no_marker DESCRIPTION: nothing hostile ran.
no_marker() {
    local left
    left=$(ls -A "$T")
    if [ -z "$left" ]; then pass; else fail "$1 (created: $left)"; fi
}

# Values that a shell would run, or a program would read as an option.
hostile_addresses=(
    "10.0.0.9;touch $T/pwned-a1"
    "\$(touch $T/pwned-a2)"
    "\`touch $T/pwned-a3\`"
    "10.0.0.9 | touch $T/pwned-a4"
    "10.0.0.9 && touch $T/pwned-a5"
    $'10.0.0.9\ntouch '"$T/pwned-a6"
    "-oProxyCommand=touch $T/pwned-a7"
    "--output=$T/pwned-a8"
    "10.0.0.300"
    "host_name.example"
    "$(printf 'a%.0s' {1..70000}).example"
)

# 1. Addresses are host names or IP literals, on add, update and import.
i=0
for addr in "${hostile_addresses[@]}"; do
    i=$((i + 1))
    run asset add --class server --name "addr-$i" --set memory_gb=8 --status in_use "--address=$addr"
    expect_rc 65 "asset add refuses address #$i"
    expect_err "must be a host name or an IP address" "asset add says why address #$i is refused"
done
run -q asset add --class server --name legit --set memory_gb=8 --status in_use --address 10.0.0.9
expect_rc 0 "a plain IPv4 address is accepted"
LEGIT=$OUT
for addr in db-01.example.com 2001:db8::5 fe80::1%eth0 localhost; do
    run asset update "$LEGIT" --address "$addr"
    expect_rc 0 "the address '$addr' is accepted"
done
run asset update "$LEGIT" "--address=-oProxyCommand=touch $T/pwned-u1"
expect_rc 65 "asset update refuses an address starting with '-'"
expect_err "address '-oProxyCommand=touch" "the refused address is named"
run asset update "$LEGIT" --address "10.0.0.9;touch $T/pwned-u2"
expect_rc 65 "asset update refuses an address with ';'"
run asset update "$LEGIT" --address 10.0.0.9
expect_rc 0 "back to the legitimate address"
python3 - "$WORK/addr.csv" "$T" <<'PY'
import csv, sys
t = sys.argv[2]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["class", "name", "status", "address", "memory_gb"])
    w.writerow(["server", "fine", "in_use", "10.0.0.10", "8"])
    w.writerow(["server", "evil", "in_use", f"10.0.0.9;touch {t}/pwned-i1", "8"])
    w.writerow(["server", "evil2", "in_use", f"-oProxyCommand=touch {t}/pwned-i2", "8"])
    w.writerow(["server", "evil3", "in_use", f"a\nb", "8"])
PY
run asset import "$WORK/addr.csv"
expect_rc 65 "asset import refuses hostile addresses"
expect_err "addr.csv:3: address '10.0.0.9;touch" "import names the row and field of the first bad address"
expect_err "addr.csv:4: address '-oProxyCommand" "import names the second bad row"
expect_err "addr.csv:5: address" "import names a bad row with a newline"
run --format csv --no-header asset list --columns name
expect_no_out "fine" "a refused import writes nothing"

# 2. Free text reaches commands as data. Names and a string field (rack) take every value;
# an address that was stored before addresses were checked is quoted too.
cat >"$WORK/fake-ssh" <<'SH'
#!/bin/sh
# Reads its options as ssh does: -oProxyCommand=CMD runs CMD. Then prints its host.
while getopts o: opt; do
    case $OPTARG in ProxyCommand=*) sh -c "${OPTARG#ProxyCommand=}" ;; esac
done
shift $((OPTIND - 1))
printf '%s' "$1" >"$2"
echo "OK - reached"
SH
chmod +x "$WORK/fake-ssh"
cat >"$WORK/cfg/policies/zz-inject.yaml" <<YAML
checklists:
  inject:
    every: 1d
    targets: {assets: {class: server}}
    items:
      sh-name:
        kind: command
        shell: true
        command: printf %s {{asset.name}} > $OUTD/sh-name-{{asset.tag}}; echo OK - {{asset.name}}
      sh-rack:
        kind: command
        shell: true
        command: x={{asset.rack}}; printf %s "\$x" > $OUTD/sh-rack-{{asset.tag}} && echo OK
      argv-name:
        kind: command
        command: [$WORK/fake-ssh, "{{asset.name}}", "$OUTD/argv-name-{{asset.tag}}"]
      argv-rack:
        kind: command
        command: [$WORK/fake-ssh, -o, BatchMode=yes, "{{asset.rack}}", "$OUTD/argv-rack-{{asset.tag}}"]
      sh-address:
        kind: command
        shell: true
        command: printf %s {{asset.address}} > $OUTD/sh-address-{{asset.tag}}; echo OK
YAML
run policy check
expect_rc 0 "the inject checklist is valid"

# The values, each given through add, update and import (as name and as rack).
python3 - "$WORK/values.json" "$T" <<'PY'
import json, sys
t = sys.argv[2]
values = [
    f";touch {t}/pwned-1",
    f"$(touch {t}/pwned-2)",
    f"`touch {t}/pwned-3`",
    f"x | touch {t}/pwned-4",
    f"x && touch {t}/pwned-5",
    f"it's \"x\"; touch {t}/pwned-6 '",
    f"x\ntouch {t}/pwned-7",
    f"-oProxyCommand=touch {t}/pwned-8",
    f"--output={t}/pwned-9",
    f"tab\there {t}/pwned-10",
    f"c1 \u0085 next line; touch {t}/pwned-11",
    "'" * 100 + f"$(touch {t}/pwned-12)" + "a" * 50000, # sh -c takes one argument of at most 128 KiB
    "服务器 1 号 * ~root $HOME \\ \\' \"",
]
json.dump(values, open(sys.argv[1], "w"))
PY
mapfile -d '' VALUES < <(python3 -c 'import json,sys; sys.stdout.write("".join(v + "\0" for v in json.load(open(sys.argv[1]))))' "$WORK/values.json")
expect_eq 13 "${#VALUES[@]}" "the test has its values"
: >"$WORK/targets.tsv"
i=0
for v in "${VALUES[@]}"; do
    run -q asset add --class server "--name=$v" --set memory_gb=8 --set "rack=$v" --status in_use
    if [ "$RC" -eq 0 ]; then
        printf '%s\t%s\t%s\n' "$OUT" "$i" add >>"$WORK/targets.tsv"
    else
        expect_rc 65 "asset add refuses value #$i cleanly if at all"
    fi
    run -q asset add --class server --name "plain-$i" --set memory_gb=8 --set rack=plain --status in_use
    tag=$OUT
    run asset update "$tag" "--name=$v" --set "rack=$v"
    if [ "$RC" -eq 0 ]; then
        printf '%s\t%s\t%s\n' "$tag" "$i" update >>"$WORK/targets.tsv"
    else
        expect_rc 65 "asset update refuses value #$i cleanly if at all"
    fi
    i=$((i + 1))
done
python3 - "$WORK/values.json" "$WORK/import.csv" <<'PY'
import csv, json, sys
values = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["tag", "class", "name", "status", "memory_gb", "rack"])
    for i, v in enumerate(values):
        w.writerow([f"IMP-{i}", "server", v, "in_use", "8", v])
PY
run asset import "$WORK/import.csv"
expect_rc 0 "free text with shell syntax, dashes and controls is imported as data"
for i in "${!VALUES[@]}"; do printf 'IMP-%s\t%s\timport\n' "$i" "$i" >>"$WORK/targets.tsv"; done
no_marker "adding, updating and importing hostile values runs nothing"
# An address stored before addresses were checked (written straight into the database).
sqlite3 "$OPSCTL_DB" "update assets set address = '10.0.0.9;touch $T/pwned-old1' where tag = 'IMP-0'"
sqlite3 "$OPSCTL_DB" "update assets set address = '-oProxyCommand=touch $T/pwned-old2' where tag = 'IMP-1'"

run --format json inspect run inject
no_marker "no hostile value ran in any shell or argv item"
printf '%s' "$OUT" >"$WORK/results.json"
expect_true "every item is run or refused as the rules say" python3 - "$WORK/results.json" "$WORK/values.json" \
    "$WORK/targets.tsv" "$OUTD" "$LEGIT" <<'PY'
import json, os, sys
results = json.load(open(sys.argv[1]))
values = json.load(open(sys.argv[2]))
targets = {}
for line in open(sys.argv[3]):
    tag, i, how = line.rstrip("\n").split("\t")
    targets[tag] = (int(i), how)
outd, legit = sys.argv[4], sys.argv[5]
by = {(r["target"], r["item"]): r for r in results}
problems = []

def unsafe(v):
    if v.startswith("-"):
        return "starts with '-'"
    for c in v:
        if ord(c) < 0x20 or ord(c) == 0x7f or 0x80 <= ord(c) <= 0x9f:
            return "holds a control character (U+%04X)" % ord(c)
    return None

def expect(tag, item, field, value):
    r = by.get((tag, item))
    if r is None:
        problems.append(f"no result for {item} on {tag}")
        return
    why = unsafe(value)
    if why:
        if r["status"] != "unknown" or f"asset '{tag}' field '{field}' {why}" not in r["message"]:
            problems.append(f"{item} on {tag}: wanted UNKNOWN naming the field: {r['status']} {r['message']!r}")
        if os.path.exists(f"{outd}/{item}-{tag}"):
            problems.append(f"{item} on {tag} ran although refused")
        return
    if r["status"] != "ok":
        problems.append(f"{item} on {tag}: {r['status']} {r['message'][:200]!r}")
        return
    got = open(f"{outd}/{item}-{tag}", encoding="utf-8", newline="").read()
    if got != value:
        problems.append(f"{item} on {tag} received {got[:80]!r}, not {value[:80]!r}")

for tag, (i, how) in targets.items():
    v = values[i]
    for item, field in (("sh-name", "name"), ("argv-name", "name"), ("sh-rack", "rack"), ("argv-rack", "rack")):
        expect(tag, item, field, v)
expect("IMP-0", "sh-address", "address", f"10.0.0.9;touch {os.path.dirname(outd)}/t/pwned-old1")
expect("IMP-1", "sh-address", "address", f"-oProxyCommand=touch {os.path.dirname(outd)}/t/pwned-old2")
expect(legit, "sh-address", "address", "10.0.0.9")
expect(legit, "sh-name", "name", "legit")
hows = {how for _, how in targets.values()}
if hows != {"add", "update", "import"}:
    problems.append(f"values came in only through {sorted(hows)}")
if problems:
    print("\n".join(problems[:20]))
    sys.exit(1)
PY
expect_true "the results are recorded with the refusal" bash -c \
    "sqlite3 '$OPSCTL_DB' \"select message from inspect_results where item='argv-rack' and target='IMP-7'\" | grep -q \"asset 'IMP-7' field 'rack' starts with '-'\""

# 3. A placeholder may allow a leading '-' (or control characters): then it is one argument.
cat >"$WORK/cfg/policies/zz-inject.yaml" <<YAML
checklists:
  allowed:
    every: 1d
    targets: {assets: {class: server}}
    items:
      dash:
        kind: command
        command: [sh, -c, 'printf %s "\$1" > "\$2"; echo OK', sh, "{{asset.rack|allow-dash}}", "$OUTD/dash-{{asset.tag}}"]
YAML
run --format json inspect run allowed --target IMP-8
expect_rc 0 "an allowed leading '-' runs"
expect_eq "--output=$T/pwned-9" "$(cat "$OUTD/dash-IMP-8")" "the allowed value arrives as one argument, exactly"
no_marker "an allowed dash is still data"

# 4. Placeholders where quoting cannot protect them are refused when the policy is read.
cat >"$WORK/cfg/policies/zz-inject.yaml" <<'YAML'
checklists:
  badquotes:
    every: 1d
    targets: {assets: {class: server}}
    items:
      dq: {kind: command, shell: true, command: 'ping -c1 "{{asset.address}}"'}
      sq: {kind: command, shell: true, command: "echo 'name: {{asset.name}}'"}
      filter: {kind: command, command: [ping, "{{asset.address|allow-dahs}}"]}
      bq: {kind: command, shell: true, command: "echo `echo {{asset.rack}}`"}
      arith: {kind: command, shell: true, command: "echo $(( {{asset.rack}} + 1 ))"}
YAML
run policy check
expect_rc 78 "placeholders inside quotes or with unknown filters fail policy check"
expect_err "placeholder '{{asset.address}}' is inside double quotes" "a placeholder in double quotes is refused"
expect_err "placeholder '{{asset.name}}' is inside single quotes" "a placeholder in single quotes is refused"
expect_err "unknown filter 'allow-dahs'" "an unknown filter is refused"
expect_err "placeholder '{{asset.rack}}' is inside backquotes" "a placeholder in backquotes is refused"
expect_err "placeholder '{{asset.rack}}' is inside an arithmetic expression" "a placeholder in \$((...)) is refused"
rm "$WORK/cfg/policies/zz-inject.yaml"
no_marker "nothing hostile ran at all"

finish
