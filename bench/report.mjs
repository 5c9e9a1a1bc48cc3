#!/usr/bin/env node
// Helper for bench/run.sh (Node is needed for the npm peers anyway).
//
//   node report.mjs tool OUT_JSON [--list FILE] [--base DIR] [--floor STDERR]
//                    [--leaklint JSON] [--oxlint JSON] [--eslint JSON] [--note TEXT]
//       Writes what one tool checked to OUT_JSON: {files, bytes, lines,
//       errors, error_messages, note}. Files come from --list (one path per
//       line, relative ones resolved against --base, default the current
//       directory) or from the --eslint output; errors from the floor's
//       `--list-errors` stderr, from `leaklint check --format json`'s
//       file_errors, or from `oxlint -A all -f json` / `eslint -f json`
//       output (with no rules on, every diagnostic is a parse error).
//       Lines are counted like Rust's str::lines(): newlines, plus one for a
//       last line without a newline.
//
//   node report.mjs table RESULT_DIR
//       Reads RESULT_DIR/hyperfine.json (and hyperfine-eslint.json, if
//       there), meta.json and tool-*.json, prints the summary table and
//       writes it to RESULT_DIR/summary.md.

import fs from "node:fs";
import path from "node:path";

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

function countFiles(paths) {
  let bytes = 0;
  let lines = 0;
  for (const p of paths) {
    const buf = fs.readFileSync(p);
    bytes += buf.length;
    let newlines = 0;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
    lines += newlines + (buf.length > 0 && buf[buf.length - 1] !== 10 ? 1 : 0);
  }
  return { files: paths.length, bytes, lines };
}

function tool(outFile, argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, "")] = argv[i + 1];
  const base = opts.base ?? process.cwd();
  let paths = [];
  let errorMessages = [];
  let files;
  if (opts.list) {
    paths = fs
      .readFileSync(opts.list, "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((p) => path.resolve(base, p));
  }
  if (opts.floor) {
    // `error: <message>` lines, then `files N symbols S errors E`.
    const text = fs.readFileSync(opts.floor, "utf8");
    errorMessages = text
      .split("\n")
      .filter((l) => l.startsWith("error: "))
      .map((l) => l.slice("error: ".length));
  }
  if (opts.oxlint) {
    const out = readJson(opts.oxlint);
    files = out.number_of_files;
    errorMessages = out.diagnostics.map((d) => `${d.filename}: ${d.message}`);
  }
  if (opts.eslint) {
    const results = readJson(opts.eslint);
    paths = results.map((r) => r.filePath);
    errorMessages = results.flatMap((r) =>
      r.messages.filter((m) => m.fatal).map((m) => `${r.filePath}:${m.line}:${m.column}: ${m.message}`),
    );
  }
  let extra = {};
  if (opts.leaklint) {
    // leaklint's JSON report (schema in docs/json-format.md).
    const out = readJson(opts.leaklint);
    errorMessages = out.file_errors.map((e) => {
      const at = e.line ? `:${e.line}${e.column ? `:${e.column}` : ""}` : "";
      return `${e.file}${at}: ${e.kind}: ${e.message}`;
    });
    extra = { files_checked: out.files_checked, findings: out.diagnostics.length };
    opts.note = `${opts.note ? opts.note + " " : ""}${out.files_checked} files analysed, ${out.diagnostics.length} findings.`;
  }
  const counts = countFiles(paths);
  if (files != null && files !== counts.files) {
    opts.note = `${opts.note ? opts.note + " " : ""}(reported ${files} files, listed ${counts.files})`;
  }
  const result = { ...counts, ...extra, errors: errorMessages.length, error_messages: errorMessages.sort() };
  if (opts.note) result.note = opts.note;
  fs.writeFileSync(outFile, JSON.stringify(result, null, 1) + "\n");
}

const fmtSeconds = (s) => (s == null ? "-" : s.toFixed(3));
const fmtMB = (bytes) => (bytes / 1e6).toFixed(1);

function table(resultDir) {
  const hf = readJson(path.join(resultDir, "hyperfine.json"));
  const eslintFile = path.join(resultDir, "hyperfine-eslint.json");
  if (fs.existsSync(eslintFile)) hf.results.push(...readJson(eslintFile).results);
  const meta = readJson(path.join(resultDir, "meta.json"));
  const tools = {};
  for (const r of hf.results) {
    const f = path.join(resultDir, `tool-${r.command}.json`);
    tools[r.command] = fs.existsSync(f) ? readJson(f) : {};
  }
  const floor = hf.results.find((r) => r.command === "floor");
  const out = [];
  out.push(`# leaklint benchmark, ${meta.threads} thread(s)`);
  out.push("");
  out.push(`- corpus: ${meta.corpus}`);
  out.push(`- wall-clock times from hyperfine; ${meta.warmup} warm-up run(s) before the timed ones, none for eslint`);
  out.push(
    `- machine: ${meta.cpus} CPUs; other processes used ${meta.busy_during}% of the CPUs during the timed runs ` +
      `(${meta.busy_before}% in the second before); 1-minute load average before ${meta.load_before}, ` +
      `after ${meta.load_after}`,
  );
  if (meta.busy_during == null || Math.max(meta.busy_before, meta.busy_during) > 10) {
    out.push(
      "- WARNING: other processes were using the CPUs during the timed runs (more than 10%); " +
        "the figures below are unreliable.",
    );
  }
  out.push("");
  out.push("| tool | runs | median s | mean s ± σ | min s | ratio to floor | files | MB | lines | MB/s | errors |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of hf.results) {
    const c = tools[r.command];
    const ratio = floor ? (r.median / floor.median).toFixed(2) + "×" : "-";
    const mbps = c.bytes != null ? (c.bytes / 1e6 / r.median).toFixed(1) : "-";
    const okCodes = [0, 1]; // 1: findings or parse errors; anything else is a crash or a usage error
    const bad = [...new Set((r.exit_codes ?? []).filter((code) => !okCodes.includes(code)))];
    const name = bad.length ? `${r.command} (FAILED: exit ${bad.join(",")})` : r.command;
    out.push(
      `| ${name} | ${r.times.length} | ${fmtSeconds(r.median)} | ${fmtSeconds(r.mean)} ± ${fmtSeconds(r.stddev)}` +
        ` | ${fmtSeconds(r.min)} | ${ratio} | ${c.files ?? "-"} | ${c.bytes != null ? fmtMB(c.bytes) : "-"}` +
        ` | ${c.lines ?? "-"} | ${mbps} | ${c.errors ?? "-"} |`,
    );
  }
  out.push("");
  out.push("- ratio to floor: median wall time / median wall time of `floor` (oxc parse + semantic only,");
  out.push("  on the files `leaklint check` finds).");
  out.push("- files, MB, lines: what that tool itself checked. The tools do not pick the same files");
  out.push("  (notes below), so MB/s (bytes checked / median) is the fairer cross-tool figure.");
  out.push("- errors: files the tool could not read or parse (details in this folder).");
  for (const r of hf.results) {
    if (tools[r.command].note) out.push(`- ${r.command}: ${tools[r.command].note}`);
  }
  const text = out.join("\n") + "\n";
  fs.writeFileSync(path.join(resultDir, "summary.md"), text);
  process.stdout.write(text);
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
  case "tool":
    tool(args[0], args.slice(1));
    break;
  case "table":
    table(args[0]);
    break;
  default:
    console.error("usage: report.mjs tool OUT_JSON [--list FILE] [--base DIR] [--floor STDERR] ...");
    console.error("       report.mjs table RESULT_DIR");
    process.exit(2);
}
