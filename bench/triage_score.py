#!/usr/bin/env python3
"""Score a leaklint run against the verdicts in bench/triage.md.

Usage: triage_score.py [--triage bench/triage.md] [--unread] REPORT.json...

Each REPORT is `leaklint check <folder> --format json` over folders of npm packages unpacked as
`<anything>/package/...` (the layout of `npm pack` tarballs and of bench/fetch-corpus.sh). A finding
is matched to a triage row by package@version (read from the package's own package.json), the file
inside the package, the line and the rule. Findings with no row are "unread": a person has to read
them before the figure means anything, and `--unread` lists them for that.

The verdicts are a person's reading of the code; this script only counts, so a changed binary is
compared with the same reading instead of a new impression.
"""

import argparse
import json
import os
import re
import sys
from collections import Counter

ROW = re.compile(r"^\|\s*([^|]+?@[^|\s]+)\s*\|\s*([^|]+?):(\d+)\s*\|\s*([a-z-]+)\s*\|\s*(\w+)\s*\|\s*([^|]+?)\s*\|")


def read_verdicts(path):
    verdicts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line)
            if not m:
                continue
            pkg, file, lineno, rule, _severity, verdict = m.groups()
            # A later table may re-read a row; the later reading wins.
            verdicts[(pkg, file, int(lineno), rule)] = verdict.strip()
    return verdicts


def package_of(path, cache={}):
    """(name@version, file inside the package) for a path under `.../package/...`."""
    parts = path.split("/")
    if "package" not in parts:
        return None, path
    i = len(parts) - 1 - parts[::-1].index("package")
    root = "/".join(parts[: i + 1])
    if root not in cache:
        try:
            with open(os.path.join(root, "package.json"), encoding="utf-8") as f:
                meta = json.load(f)
            cache[root] = f"{meta['name']}@{meta['version']}"
        except (OSError, ValueError, KeyError):
            # fetch-corpus.sh keeps only part of some packages; its folder is `<scope>__<name>-<version>`.
            m = re.match(r"(.+)-(\d[^-]*(?:-.+)?)$", os.path.basename(os.path.dirname(root)))
            cache[root] = m and "@" * ("__" in m[1]) + m[1].replace("__", "/") + "@" + m[2]
    return cache[root], "/".join(parts[i + 1 :])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triage", default=os.path.join(os.path.dirname(__file__), "triage.md"))
    ap.add_argument("--unread", action="store_true", help="list findings with no verdict")
    ap.add_argument("reports", nargs="+")
    args = ap.parse_args()

    verdicts = read_verdicts(args.triage)
    counts = Counter()
    errors = Counter()
    unread = []
    for report in args.reports:
        with open(report, encoding="utf-8") as f:
            data = json.load(f)
        for d in data.get("diagnostics", []):
            pkg, file = package_of(d["file"])
            key = (pkg, file, d["start"]["line"], d["rule"])
            verdict = verdicts.get(key, "unread")
            counts[verdict] += 1
            if d["severity"] == "error":
                errors[verdict] += 1
            if verdict == "unread":
                unread.append((pkg, file, d["start"]["line"], d["rule"], d["severity"], d["message"]))

    total = sum(counts.values())
    good = counts["real"] + counts["depends on the caller"]
    read = total - counts["unread"]
    print(f"findings {total}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"errors {sum(errors.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
    if read:
        print(f"real or depends on the caller: {good}/{read} read = {100 * good / read:.1f} %")
    if args.unread:
        for pkg, file, line, rule, sev, msg in unread:
            print(f"| {pkg} | {file}:{line} | {rule} | {sev} | ? | {msg[:300]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
