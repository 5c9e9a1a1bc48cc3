//! `leaklint heap summary|diff` and the heap side of `check --heap`.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use leaklint_core::{Diagnostic, LineIndex};
use leaklint_heap::{Analysis, Diff, GrowthRow, HeapSnapshot, ObjectIds, PathStep};
use leaklint_report::{FileResult, HeapEvidence, Report, format_bytes};

#[derive(Debug, Args)]
pub struct HeapArgs {
    #[command(subcommand)]
    pub command: HeapCommand,
}

#[derive(Debug, Subcommand)]
pub enum HeapCommand {
    /// Classes in one snapshot by retained size, with counts and shallow sizes.
    Summary(SummaryArgs),
    /// Growth per class between snapshots: BASE TARGET, or BASE TARGET FINAL
    /// for objects allocated between BASE and TARGET still alive in FINAL.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// A `.heapsnapshot` file.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: PathBuf,
    #[arg(long, value_enum, default_value_t = HeapFormat::Human)]
    pub format: HeapFormat,
    /// How many classes to show.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BASE TARGET [FINAL], oldest first, all from the same process.
    #[arg(value_name = "SNAPSHOTS", num_args = 2..=3, required = true)]
    pub snapshots: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = HeapFormat::Human)]
    pub format: HeapFormat,
    /// How many growing groups to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeapFormat {
    Human,
    Json,
}

pub fn run(args: &HeapArgs) -> ExitCode {
    let result = match &args.command {
        HeapCommand::Summary(a) => run_summary(a),
        HeapCommand::Diff(a) => load_diff(&a.snapshots, a.top).map(|diff| render_diff(&diff, a)),
    };
    match result {
        Ok(out) => {
            let mut stdout = io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Snapshots above this size get a progress bar (on a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

fn load(path: &Path) -> Result<HeapSnapshot, String> {
    with_progress(path, None, |tick| leaklint_heap::read_file(path, Some(tick)))
}

/// Run `read` with a progress bar for large files on a terminal (under
/// `bars` when several files are read at once).
fn with_progress<T>(
    path: &Path,
    bars: Option<&indicatif::MultiProgress>,
    read: impl FnOnce(&mut dyn FnMut(u64)) -> leaklint_heap::Result<T>,
) -> Result<T, String> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = if io::stderr().is_terminal() && size >= PROGRESS_MIN_BYTES {
        let bar = indicatif::ProgressBar::new(size);
        let bar = match bars {
            Some(bars) => bars.add(bar),
            None => bar,
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("reading {}", path.display()));
        Some(bar)
    } else {
        None
    };
    let mut tick = |read: u64| {
        if let Some(bar) = &bar {
            bar.set_position(read);
        }
    };
    let result = read(&mut tick);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result.map_err(|e| format!("{}: {e}", path.display()))
}

fn run_summary(args: &SummaryArgs) -> Result<String, String> {
    let mut snapshot = load(&args.snapshot)?;
    let analysis = Analysis::new(&snapshot);
    snapshot.release_edge_targets();
    let rows = leaklint_heap::summary(&snapshot, &analysis);
    // Saturating: sizes come from the file, and a corrupt one must not wrap the total to nothing.
    let total = (0..snapshot.node_count() as u32).map(|n| snapshot.self_size(n)).fold(0, u64::saturating_add);
    let shown = &rows[..rows.len().min(args.top)];
    if args.format == HeapFormat::Json {
        let doc = serde_json::json!({
            "snapshot": args.snapshot.display().to_string(),
            "nodes": snapshot.node_count(),
            "edges": snapshot.edge_count(),
            "total_size": total,
            "classes": shown,
        });
        return Ok(format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} objects, {} edges, {} in total\n",
        args.snapshot.display(),
        snapshot.node_count(),
        snapshot.edge_count(),
        format_bytes(total)
    );
    let _ = writeln!(out, "{:>10} {:>10} {:>10}  class", "count", "shallow", "retained");
    for row in shown {
        let _ = write!(
            out,
            "{:>10} {:>10} {:>10}  {}",
            row.count,
            format_bytes(row.shallow_size),
            format_bytes(row.retained_size),
            row.class
        );
        if let Some(l) = &row.location {
            let _ = write!(out, "  ({}:{})", l.script, l.line);
        }
        out.push('\n');
    }
    Ok(out)
}

/// Load 1–3 snapshots and diff them; only the last one is kept whole, the
/// others are reduced to their object ids as they are read.
pub fn load_diff(paths: &[PathBuf], paths_for: usize) -> Result<Diff, String> {
    let (analysed_path, earlier) = paths.split_last().ok_or("no snapshot given")?;
    if earlier.len() > 2 {
        return Err(format!("at most 3 snapshots can be compared, got {}", paths.len()));
    }
    let bars = indicatif::MultiProgress::new();
    // BASE needs groups and sizes (for deleted objects); TARGET only its ids.
    // Neither needs its edges, which are most of the file.
    let read_ids = |index: usize, path: &Path| {
        with_progress(path, Some(&bars), |tick| leaklint_heap::read_object_ids(path, Some(tick), index == 0))
    };
    // BASE is read on a second thread while this one reads FINAL and then
    // TARGET's ids (about as much work on each core); the analysis, the
    // memory peak, waits for both.
    let (base, target, snapshot) = std::thread::scope(|scope| {
        let base = earlier.first().map(|path| scope.spawn(move || read_ids(0, path)));
        let snapshot =
            with_progress(analysed_path, Some(&bars), |tick| leaklint_heap::read_file(analysed_path, Some(tick)));
        let target = earlier.get(1).map(|path| read_ids(1, path));
        let base = base.map(|thread| thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (base, target, snapshot)
    });
    // Errors in the order the files were given.
    let ids: Vec<ObjectIds> = base.into_iter().chain(target).collect::<Result<_, _>>()?;
    let mut snapshot = snapshot?;
    let analysis = Analysis::new(&snapshot);
    snapshot.release_edge_targets();
    let mut diff = match ids.as_slice() {
        [] => leaklint_heap::diff(&ObjectIds::empty(), None, &snapshot, &analysis, paths_for),
        [base] => leaklint_heap::diff(base, None, &snapshot, &analysis, paths_for),
        [base, target] => leaklint_heap::diff(base, Some(target), &snapshot, &analysis, paths_for),
        _ => unreachable!("at most two earlier snapshots, checked above"),
    };
    // A single snapshot is diffed against nothing; say so.
    diff.snapshots = paths.len() as u8;
    Ok(diff)
}

fn group_label(row: &GrowthRow) -> String {
    match &row.function {
        Some(function) => format!("{} {function}", row.class),
        None => row.class.clone(),
    }
}

/// `holder.edge → holder[3] → ... → group`.
fn render_path(steps: &[PathStep], target: &str) -> String {
    let mut out = String::new();
    for step in steps {
        out.push_str(&step.holder);
        if !step.edge.starts_with('[') {
            out.push('.');
        }
        out.push_str(&step.edge);
        out.push_str(" → ");
    }
    out.push_str(target);
    out
}

fn render_diff(diff: &Diff, args: &DiffArgs) -> String {
    let growing: Vec<&GrowthRow> = diff.groups.iter().filter(|r| r.growth() > 0).take(args.top).collect();
    if args.format == HeapFormat::Json {
        let doc = serde_json::json!({
            "snapshots": args.snapshots.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "groups": growing,
            "packages": diff.packages,
        });
        return format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    let mut out = String::new();
    let three = diff.snapshots == 3;
    let _ = writeln!(
        out,
        "{}\n",
        if three {
            "Objects allocated between BASE and TARGET and still alive in FINAL, by group:"
        } else {
            "Growth from BASE to TARGET, by group:"
        }
    );
    let _ = writeln!(
        out,
        "{:>4} {:>8} {:>8} {:>8} {:>10} {:>10}  group",
        "",
        if three { "leaked" } else { "new" },
        "deleted",
        "delta",
        "size Δ",
        "retained"
    );
    for (rank, row) in growing.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>4} {:>8} {:>8} {:>+8} {:>10} {:>10}  {}",
            format!("{}.", rank + 1),
            row.leaked_count.unwrap_or(row.new_count),
            row.deleted_count,
            row.count_delta,
            signed_bytes(row.size_delta),
            format_bytes(row.retained_size),
            group_label(row)
        );
        if let Some(l) = &row.location {
            let package = l.package.as_ref().map(|p| format!(" [package {p}]")).unwrap_or_default();
            let _ = writeln!(out, "{:>46}defined at {}:{}:{}{package}", "", l.script, l.line, l.column);
        }
        if !row.retainer_path.is_empty() {
            let _ = writeln!(out, "{:>46}retained by {}", "", render_path(&row.retainer_path, &group_label(row)));
        }
    }
    if growing.is_empty() {
        out.push_str("  nothing grew\n");
    }
    if !diff.packages.is_empty() {
        let _ = writeln!(out, "\nGrowth by npm package:");
        for p in &diff.packages {
            let _ = writeln!(
                out,
                "  {:<30} {:>+8} objects {:>10} retained ({} groups)",
                p.package,
                p.growth,
                format_bytes(p.retained_size),
                p.groups
            );
        }
    }
    out
}

fn signed_bytes(delta: i64) -> String {
    let sign = if delta < 0 { "-" } else { "+" };
    format!("{sign}{}", format_bytes(delta.unsigned_abs()))
}

/// How many of the top growing groups a finding is matched against (all get
/// a retainer path). Generous: with one snapshot every group "grows", and a
/// small leaking class can rank low by retained size.
const GROUPS_MATCHED: usize = 2000;

/// `check --heap`: read 1–3 snapshots and attach their evidence. No
/// snapshots: the report as it is.
pub fn attach_from_files(report: Report, snapshots: &[PathBuf], cwd: Option<&Path>) -> Result<Report, String> {
    if snapshots.is_empty() {
        return Ok(report);
    }
    if snapshots.len() > 3 {
        return Err(format!("--heap takes 1 to 3 snapshots (BASE TARGET FINAL), got {}", snapshots.len()));
    }
    Ok(attach_evidence(report, &load_diff(snapshots, GROUPS_MATCHED)?, cwd))
}

/// Attach heap evidence to the findings of `report` (see `check --heap`).
pub fn attach_evidence(report: Report, diff: &Diff, cwd: Option<&Path>) -> Report {
    let candidates: Vec<&GrowthRow> =
        diff.groups.iter().filter(|r| r.growth() > 0 && !r.internal).take(GROUPS_MATCHED).collect();
    report.with_heap_evidence(|file, diagnostic| {
        candidates.iter().find_map(|row| {
            let matched_by = match_reasons(row, file, diagnostic, cwd);
            (!matched_by.is_empty()).then(|| HeapEvidence {
                group: group_label(row),
                matched_by,
                count_growth: row.growth(),
                retained_size: row.retained_size,
                size_delta: row.size_delta,
                snapshots: diff.snapshots,
                location: row.location.as_ref().map(|l| format!("{}:{}:{}", l.script, l.line, l.column)),
                retainer_path: render_path(&row.retainer_path, &group_label(row)),
            })
        })
    })
}

/// Why `row` is the heap side of `diagnostic`: the container it names holds
/// the group (an edge name on the retainer path), the group's closure is
/// defined in the flagged code, or the flagged code constructs the class.
fn match_reasons(row: &GrowthRow, file: &FileResult, diagnostic: &Diagnostic, cwd: Option<&Path>) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(subject) = diagnostic.subject.as_deref().and_then(subject_name)
        && let Some(step) = row
            .retainer_path
            .iter()
            .find(|s| matches!(s.edge_kind, "context" | "property" | "internal") && s.edge == subject)
    {
        reasons.push(format!("`{subject}` is on its retainer path ({} edge from {})", step.edge_kind, step.holder));
    }
    if let Some(location) = &row.location
        && let Some(script) = location.file_path()
        && same_file(script, file.path(), cwd)
    {
        let lines = LineIndex::new(file.source());
        let first = lines.position(file.source(), diagnostic.span.start).line;
        let last = lines.position(file.source(), diagnostic.span.end).line;
        if (first..=last).contains(&location.line) {
            reasons.push(format!("defined inside the flagged code (line {})", location.line));
        }
    }
    if row.function.is_none() && !row.class.starts_with('(') {
        let flagged = diagnostic.span.text(file.source());
        if flagged.contains(&format!("new {}(", row.class)) {
            reasons.push(format!("the flagged code stores new `{}` objects", row.class));
        }
    }
    reasons
}

/// The name a container goes by on a retainer path: the last member of
/// `this.listeners` or `app.locals.cache`, the variable itself otherwise.
fn subject_name(subject: &str) -> Option<&str> {
    let last = subject.rsplit('.').next()?.trim();
    let last = last.trim_end_matches("()");
    (!last.is_empty() && last.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')).then_some(last)
}

/// Whether V8's script path is the checked file (shown relative to `cwd`).
fn same_file(script: &str, display: &str, cwd: Option<&Path>) -> bool {
    let full = match cwd {
        Some(cwd) => cwd.join(display),
        None => PathBuf::from(display),
    };
    if let (Ok(a), Ok(b)) = (Path::new(script).canonicalize(), full.canonicalize()) {
        return a == b;
    }
    // A snapshot taken elsewhere: compare the tail.
    let display = display.trim_start_matches("./");
    script.replace('\\', "/").ends_with(&format!("/{}", display.replace('\\', "/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_names_are_the_last_member() {
        assert_eq!(subject_name("tasks"), Some("tasks"));
        assert_eq!(subject_name("this.listeners"), Some("listeners"));
        assert_eq!(subject_name("req.socket.server"), Some("server"));
        assert_eq!(subject_name("cache[key]"), None);
    }

    #[test]
    fn paths_render_with_members_and_indexes() {
        let step = |holder: &str, edge: &str| PathStep {
            holder: holder.into(),
            holder_id: 1,
            edge_kind: "property",
            edge: edge.into(),
        };
        let path = [step("system / Context", "tasks"), step("Array", "elements"), step("(object elements)", "[2]")];
        assert_eq!(
            render_path(&path, "(closure) f"),
            "system / Context.tasks → Array.elements → (object elements)[2] → (closure) f"
        );
    }

    #[test]
    fn same_file_falls_back_to_the_path_tail() {
        assert!(same_file("/elsewhere/app/src/server.js", "src/server.js", None));
        assert!(!same_file("/elsewhere/app/src/myserver.js", "src/server.js", None));
    }
}
