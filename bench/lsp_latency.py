#!/usr/bin/env python3
"""Time `leaklint lsp` on one file of a package: the first check after opening it (every file of
the package is parsed) and the checks after edits (only the edited buffer is parsed again; the
package is linked and solved again). Prints the median of the edits.

Usage: bench/lsp_latency.py [--leaklint target/release/leaklint] [--edits 5] FILE
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def wait_diagnostics(proc, uri, version):
    while True:
        m = receive(proc)
        if m.get("method") == "textDocument/publishDiagnostics":
            p = m["params"]
            if p["uri"] == uri and p.get("version") == version:
                return p["diagnostics"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leaklint", default="target/release/leaklint")
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("file")
    args = ap.parse_args()
    path = os.path.abspath(args.file)
    uri = "file://" + urllib.parse.quote(path)
    text = open(path, encoding="utf-8").read()
    proc = subprocess.Popen([args.leaklint, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": None}})
    while receive(proc).get("id") != 1:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    start = time.perf_counter()
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}})
    found = wait_diagnostics(proc, uri, 1)
    opened = time.perf_counter() - start
    edits = []
    for i in range(args.edits):
        text += "\n"
        version = i + 2
        start = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
        wait_diagnostics(proc, uri, version)
        edits.append(time.perf_counter() - start)
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=10)
    print(f"{args.file}: {len(found)} diagnostics; open {opened:.3f} s; "
          f"after an edit: median {statistics.median(edits):.3f} s (min {min(edits):.3f}, max {max(edits):.3f}, {len(edits)} edits)")


if __name__ == "__main__":
    sys.exit(main())
