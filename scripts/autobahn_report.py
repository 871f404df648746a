#!/usr/bin/env python3
"""Writes Autobahn's fuzzingclient results (index.json) into docs/conformance.md, between its markers.

Usage: autobahn_report.py INDEX_JSON CONFORMANCE_MD STARTED CASES
"""
import json
import sys
from collections import OrderedDict

BEGIN = "<!-- autobahn:begin (scripts/autobahn.sh rewrites this part) -->\n"
END = "<!-- autobahn:end -->\n"
BEHAVIOURS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
FAMILIES = OrderedDict([
    ("1", "Framing (text and binary messages)"),
    ("2", "Pings and pongs"),
    ("3", "Reserved bits"),
    ("4", "Opcodes"),
    ("5", "Fragmentation"),
    ("6", "UTF-8 handling"),
    ("7", "Close handling"),
    ("9", "Limits and performance (large messages)"),
    ("10", "Miscellaneous (auto-fragmentation)"),
    ("12", "permessage-deflate, payloads"),
    ("13", "permessage-deflate, parameters"),
])


def case_key(case_id):
    return [int(part) for part in case_id.split(".")]


def main():
    index_path, doc_path, started, cases = sys.argv[1:5]
    with open(index_path) as f:
        results = json.load(f)["tether"]
    counts = OrderedDict()
    not_ok = []
    for case_id in sorted(results, key=case_key):
        result = results[case_id]
        family = case_id.split(".")[0]
        row = counts.setdefault(family, OrderedDict((b, 0) for b in BEHAVIOURS))
        behaviour = result["behavior"]
        row[behaviour] = row.get(behaviour, 0) + 1
        if behaviour != "OK" or result.get("behaviorClose") not in ("OK", "INFORMATIONAL"):
            not_ok.append((case_id, behaviour, result.get("behaviorClose")))

    lines = ["| family | cases | " + " | ".join(BEHAVIOURS) + " |", "|---|---|" + "---|" * len(BEHAVIOURS)]
    totals = OrderedDict((b, 0) for b in BEHAVIOURS)
    for family, row in counts.items():
        name = FAMILIES.get(family, "family " + family)
        lines.append("| %s. %s | %d | %s |" % (
            family, name, sum(row.values()), " | ".join(str(row[b]) if row[b] else "" for b in BEHAVIOURS)))
        for b in BEHAVIOURS:
            totals[b] += row[b]
    lines.append("| **all** | **%d** | %s |" % (
        sum(totals.values()), " | ".join("**%d**" % totals[b] for b in BEHAVIOURS)))
    lines.append("")
    if not_ok:
        lines.append("Cases not plainly OK (behaviour / close behaviour):")
        lines.append("")
        for case_id, behaviour, close in not_ok:
            lines.append("- `%s`: %s / %s" % (case_id, behaviour, close))
    else:
        lines.append("Every case OK, and every close OK or INFORMATIONAL.")
    lines.append("")
    lines.append("Run %s by `scripts/autobahn.sh` (cases `%s`) against the demo's `/echo`: Autobahn|Testsuite "
                 "25.10.1 (wstest, fuzzingclient mode) on CPython 2.7.18." % (started, cases))
    table = "\n".join(lines) + "\n"

    with open(doc_path) as f:
        doc = f.read()
    begin = doc.index(BEGIN) + len(BEGIN)
    end = doc.index(END)
    with open(doc_path, "w") as f:
        f.write(doc[:begin] + "\n" + table + "\n" + doc[end:])


if __name__ == "__main__":
    main()
