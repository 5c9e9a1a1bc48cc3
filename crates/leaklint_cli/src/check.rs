//! `leaklint check`: discover, read and analyse files in parallel, collect a report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use leaklint_config::{ConfigError, ConfigResolver, ResolvedConfig};
use leaklint_core::{Diagnostic, LineIndex, PackageRoot, RuleMeta, Severity, SourceFile, SyntaxError, SyntaxErrorKind};
use leaklint_files::{FileError, PackageRoots, discover, read_source};
use leaklint_report::{FailureKind, FileErrorOut, FileResult, Report, display_path};
use rayon::prelude::*;

use crate::args::{CheckArgs, DirectiveSeverity};
use crate::exit_status::ExitStatus;
use crate::fix::{FixOutcome, apply_fixes, write_in_place};
use crate::panic_guard::catch_panic;

/// One file of a package, with the configuration that applies to it.
#[derive(Clone, Copy)]
pub struct PackageInput<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub config: &'a ResolvedConfig,
}

/// What checking the files of one package means: the core with each file's
/// configured rules in production, anything (a panicking stub, say) in tests.
/// One result per input, in input order.
pub type Analyzer<'a> =
    dyn Fn(&[PackageInput<'_>], &PackageRoot) -> Vec<Result<Vec<Diagnostic>, SyntaxError>> + Sync + 'a;

/// The core with each file's configured rules and options; `report_unused`
/// is `--report-unused-disable-directives`.
pub fn core_analyzer(
    report_unused: Option<Severity>,
) -> impl Fn(&[PackageInput<'_>], &PackageRoot) -> Vec<Result<Vec<Diagnostic>, SyntaxError>> + Sync {
    move |inputs, root| {
        let options: Vec<leaklint_core::Options> = inputs
            .iter()
            .map(|i| match report_unused {
                None => i.config.options.clone(),
                Some(_) => leaklint_core::Options {
                    report_unused_disable_directives: report_unused,
                    ..i.config.options.clone()
                },
            })
            .collect();
        let files: Vec<SourceFile<'_>> = inputs
            .iter()
            .zip(&options)
            .map(|(i, options)| SourceFile { path: i.path, source: i.source, options })
            .collect();
        let rules: Vec<&[leaklint_core::ActiveRule<'_>]> = inputs.iter().map(|i| i.config.rules.as_slice()).collect();
        leaklint_core::check_package(&files, root, &rules)
    }
}

/// `leaklint check` up to the report: configuration, files or stdin, fixes.
/// Notes go to stderr here; a broken configuration or unreadable stdin is
/// reported and becomes exit status 2.
pub fn run_analysis(
    args: &CheckArgs,
    pool: &rayon::ThreadPool,
    cwd: Option<&Path>,
) -> Result<(Report, Vec<&'static RuleMeta>), ExitStatus> {
    let resolver = ConfigResolver::new(args.config.as_deref()).map_err(config_failure)?;
    let report_unused = match (args.report_unused_disable_directives, args.report_unused_disable_directives_severity) {
        (_, Some(DirectiveSeverity::Warn)) => Some(Severity::Warning),
        (_, Some(DirectiveSeverity::Error)) | (true, None) => Some(Severity::Error),
        (false, None) => None,
    };
    let analyze = core_analyzer(report_unused);
    let settings = Settings { resolver: &resolver, fix: args.fix_suggestions };
    let outcome = match (&args.stdin_filename, args.stdin) {
        (Some(path), true) => {
            let mut source = String::new();
            if let Err(err) = std::io::stdin().read_to_string(&mut source) {
                eprintln!("error: cannot read standard input as UTF-8 text: {err}");
                return Err(ExitStatus::Failure);
            }
            // On the pool too: its threads have the stack deep code needs.
            pool.install(|| check_stdin(source, path, cwd, &settings, &analyze))
        }
        _ => pool.install(|| check_paths(&args.paths, cwd, &settings, &analyze)),
    }
    .map_err(config_failure)?;
    let mut stderr = std::io::stderr().lock();
    for note in &outcome.notes {
        let _ = writeln!(stderr, "{note}");
    }
    Ok((outcome.report, outcome.rules_run))
}

fn config_failure(err: ConfigError) -> ExitStatus {
    eprintln!("error: {err}");
    ExitStatus::Failure
}

/// How to check: where configuration comes from, and whether to write fixes.
pub struct Settings<'a> {
    pub resolver: &'a ConfigResolver,
    /// `--fix-suggestions`.
    pub fix: bool,
}

/// The report, and notes for stderr (ignored files, applied fixes).
pub struct CheckOutcome {
    pub report: Report,
    pub notes: Vec<String>,
    /// Every rule some checked file ran (configuration can differ per file), by id.
    pub rules_run: Vec<&'static RuleMeta>,
}

/// The rules any of `configs` runs, sorted by id, each once.
fn rules_run<'c>(configs: impl IntoIterator<Item = &'c ResolvedConfig>) -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> =
        configs.into_iter().flat_map(|config| config.rules.iter().map(|active| active.rule.meta())).collect();
    metas.sort_by_key(|meta| meta.id);
    metas.dedup_by_key(|meta| meta.id);
    metas
}

/// Check `paths` with `analyze` on the current rayon pool. Never stops early
/// on a file: each file that cannot be checked becomes one file error. A
/// The files of one package (its root folder, if it has a `package.json`), each with its configuration.
type PackageGroup<'a> = (Option<PathBuf>, Vec<(&'a PathBuf, Arc<ResolvedConfig>)>);

/// broken configuration file stops everything (exit status 2).
pub fn check_paths(
    paths: &[PathBuf],
    cwd: Option<&Path>,
    settings: &Settings<'_>,
    analyze: &Analyzer<'_>,
) -> Result<CheckOutcome, ConfigError> {
    let discovery = discover(paths);
    let mut notes = Vec::new();
    // Configuration is resolved before the parallel part, so that a broken
    // file is reported once and nothing is half-done.
    let mut files = Vec::with_capacity(discovery.files.len());
    for path in &discovery.files {
        let config = settings.resolver.for_file(path)?;
        if config.is_ignored(path) {
            if is_named(paths, path) {
                notes.push(ignored_note(&display_path(path, cwd), &config));
            }
            continue;
        }
        files.push((path, config));
    }
    let mut file_errors: Vec<FileErrorOut> = discovery
        .errors
        .iter()
        .map(|error| FileErrorOut::from_file_error(error, display_path(&error.path, cwd)))
        .collect();
    // Files are checked with the others of their package: the nearest folder
    // with a `package.json`, or else all the files named together.
    let mut roots = PackageRoots::default();
    let mut groups: Vec<PackageGroup<'_>> = Vec::new();
    for (path, config) in files.iter().cloned() {
        let root = roots.of(path);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push((path, config)),
            None => groups.push((root, vec![(path, config)])),
        }
    }
    let outcomes: Vec<FileOutcome> = groups
        .par_iter()
        .flat_map_iter(|(root, members)| {
            let root = root.as_deref().map(PackageRoot::read).unwrap_or_default();
            check_package_files(members, &root, cwd, settings.fix, analyze)
        })
        .collect();
    let mut files_checked = 0;
    let mut results = Vec::new();
    for outcome in outcomes {
        notes.extend(outcome.notes);
        match outcome.result {
            Ok(result) => {
                files_checked += 1;
                results.extend(result);
            }
            Err(error) => file_errors.push(error),
        }
    }
    if files_checked == 0 && file_errors.is_empty() {
        notes.push("note: no JavaScript or TypeScript files to check".to_string());
    }
    let rules_run = rules_run(files.iter().map(|(_, config)| &**config));
    Ok(CheckOutcome { report: Report::new(files_checked, results, file_errors), notes, rules_run })
}

/// Check `source` (read from stdin) as if it were the file at `path`.
pub fn check_stdin(
    source: String,
    path: &Path,
    cwd: Option<&Path>,
    settings: &Settings<'_>,
    analyze: &Analyzer<'_>,
) -> Result<CheckOutcome, ConfigError> {
    let config = settings.resolver.for_file(path)?;
    let display = display_path(path, cwd);
    if config.is_ignored(path) {
        let notes = vec![ignored_note(&display, &config)];
        return Ok(CheckOutcome { report: Report::new(0, Vec::new(), Vec::new()), notes, rules_run: Vec::new() });
    }
    let members = [(&path.to_path_buf(), config.clone())];
    let outcome =
        check_package_files_with(&members, &PackageRoot::default(), cwd, false, analyze, |_| Ok(source.clone()))
            .into_iter()
            .next()
            .expect("one file in, one outcome out");
    let (results, errors) = match outcome.result {
        Ok(result) => (result.into_iter().collect(), Vec::new()),
        Err(error) => (Vec::new(), vec![error]),
    };
    let checked = usize::from(errors.is_empty());
    Ok(CheckOutcome {
        report: Report::new(checked, results, errors),
        notes: outcome.notes,
        rules_run: rules_run([&*config]),
    })
}

/// Whether `path` was named on the command line rather than found by walking.
fn is_named(paths: &[PathBuf], path: &Path) -> bool {
    paths.iter().any(|named| named == path || named.strip_prefix(".").is_ok_and(|rest| rest == path))
}

fn ignored_note(display: &str, config: &ResolvedConfig) -> String {
    let from = config.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    format!("note: {display}: ignored by ignorePatterns in {from}")
}

struct FileOutcome {
    /// Analysed, with the result when there were findings; or why not.
    result: Result<Option<FileResult>, FileErrorOut>,
    notes: Vec<String>,
}

/// Check the files of one package (read from disk) together.
fn check_package_files(
    members: &[(&PathBuf, Arc<ResolvedConfig>)],
    root: &PackageRoot,
    cwd: Option<&Path>,
    fix: bool,
    analyze: &Analyzer<'_>,
) -> Vec<FileOutcome> {
    check_package_files_with(members, root, cwd, fix, analyze, read_source)
}

/// Check the files of one package together, reading each with `read`. Never
/// stops early on a file: a file that cannot be read, parsed or analysed
/// becomes that file's error. If the package as a whole cannot be analysed
/// (a panic), each file is analysed alone, so one bad file costs only itself.
fn check_package_files_with(
    members: &[(&PathBuf, Arc<ResolvedConfig>)],
    root: &PackageRoot,
    cwd: Option<&Path>,
    fix: bool,
    analyze: &Analyzer<'_>,
    read: impl Fn(&Path) -> Result<String, FileError> + Sync,
) -> Vec<FileOutcome> {
    let displays: Vec<String> = members.iter().map(|(path, _)| display_path(path, cwd)).collect();
    let reads: Vec<Result<String, FileError>> = members.par_iter().map(|(path, _)| read(path)).collect();
    let mut outcomes: Vec<Option<FileOutcome>> = Vec::with_capacity(members.len());
    // The readable files, by index into `members`.
    let mut readable: Vec<usize> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for (i, read) in reads.into_iter().enumerate() {
        match read {
            Ok(source) => {
                readable.push(i);
                sources.push(source);
                outcomes.push(None);
            }
            Err(error) => outcomes.push(Some(FileOutcome {
                result: Err(FileErrorOut::from_file_error(&error, displays[i].clone())),
                notes: Vec::new(),
            })),
        }
    }
    let mut notes: Vec<Vec<String>> = vec![Vec::new(); readable.len()];
    let run = |sources: &[String]| {
        let inputs: Vec<PackageInput<'_>> = readable
            .iter()
            .zip(sources)
            .map(|(&i, source)| PackageInput { path: members[i].0, source, config: &members[i].1 })
            .collect();
        analyze_guarded(&inputs, root, analyze)
    };
    let mut analysed = run(&sources);
    if fix {
        // Report what is left after fixing, as ESLint does with --fix.
        let mut fixed_any = false;
        for (k, &i) in readable.iter().enumerate() {
            if let Ok(Ok(diagnostics)) = &analysed[k]
                && let Some(fixed) = fix_file(members[i].0, &displays[i], &sources[k], diagnostics, &mut notes[k])
            {
                sources[k] = fixed;
                fixed_any = true;
            }
        }
        if fixed_any {
            analysed = run(&sources);
        }
    }
    for (((k, &i), source), result) in readable.iter().enumerate().zip(sources).zip(analysed) {
        let display = displays[i].clone();
        let result = match result {
            Ok(Ok(diagnostics)) if diagnostics.is_empty() => Ok(None),
            Ok(Ok(diagnostics)) => Ok(Some(FileResult::new(display, source, diagnostics))),
            Ok(Err(error)) => Err(syntax_error(display, &source, &error)),
            Err(panic) => Err(internal_error(display, &panic)),
        };
        outcomes[i] = Some(FileOutcome { result, notes: std::mem::take(&mut notes[k]) });
    }
    outcomes.into_iter().map(|o| o.expect("every file has an outcome")).collect()
}

/// Analyse a package; if that panics, each file alone, so that a panic costs only the file that causes it.
fn analyze_guarded(
    inputs: &[PackageInput<'_>],
    root: &PackageRoot,
    analyze: &Analyzer<'_>,
) -> Vec<Result<Result<Vec<Diagnostic>, SyntaxError>, String>> {
    match catch_panic(|| analyze(inputs, root)) {
        Ok(results) => results.into_iter().map(Ok).collect(),
        Err(_) if inputs.len() > 1 => inputs
            .par_iter()
            .map(|input| {
                catch_panic(|| analyze(std::slice::from_ref(input), &PackageRoot::default()))
                    .map(|mut results| results.pop().expect("one file in, one result out"))
            })
            .collect(),
        Err(panic) => vec![Err(panic)],
    }
}

fn internal_error(path: String, panic: &str) -> FileErrorOut {
    FileErrorOut {
        path,
        kind: FailureKind::InternalError,
        message: format!("internal error: leaklint {panic} (this is a bug in leaklint, please report it)"),
        line: None,
        column: None,
    }
}

/// Apply and write the fixes for one file; the new text when it was written.
fn fix_file(
    path: &Path,
    display: &str,
    source: &str,
    diagnostics: &[Diagnostic],
    notes: &mut Vec<String>,
) -> Option<String> {
    match apply_fixes(path, source, diagnostics) {
        FixOutcome::NothingToFix => None,
        FixOutcome::Refused { reason } => {
            notes.push(format!("note: {display}: fixes not written: {reason}"));
            None
        }
        FixOutcome::Fixed { source: fixed, applied, skipped, broken } => {
            if let Err(err) = write_in_place(path, &fixed) {
                notes.push(format!("note: {display}: fixes not written: {err}"));
                return None;
            }
            for message in &applied {
                notes.push(format!("fixed: {display}: {message}"));
            }
            for message in &skipped {
                notes.push(format!(
                    "note: {display}: skipped a fix that overlaps another (run again to apply it): {message}"
                ));
            }
            for message in &broken {
                notes.push(format!(
                    "note: {display}: left out a fix with which the file would not parse (a bug in the fix): {message}"
                ));
            }
            Some(fixed)
        }
    }
}

fn syntax_error(path: String, source: &str, error: &SyntaxError) -> FileErrorOut {
    let position = error.offset.map(|offset| LineIndex::new(source).position(source, offset));
    let (kind, message) = match error.kind {
        SyntaxErrorKind::Invalid => (FailureKind::SyntaxError, format!("syntax error: {}", error.message)),
        SyntaxErrorKind::TooDeep => (FailureKind::TooDeep, error.message.clone()),
    };
    FileErrorOut { path, kind, message, line: position.map(|p| p.line), column: position.map(|p| p.column) }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use leaklint_core::Span;

    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// Reports one warning per file at offset 0, panics on `panic.js`, and
    /// rejects `syntax.js` at the position of `!`.
    fn stub(inputs: &[PackageInput<'_>], _root: &PackageRoot) -> Vec<Result<Vec<Diagnostic>, SyntaxError>> {
        inputs.iter().map(|i| stub_one(i.path, i.source)).collect()
    }

    fn stub_one(path: &Path, source: &str) -> Result<Vec<Diagnostic>, SyntaxError> {
        match path.file_name().unwrap().to_str().unwrap() {
            "panic.js" => panic!("stub analyzer exploded"),
            "syntax.js" => Err(SyntaxError {
                message: "Unexpected token".into(),
                offset: source.find('!').map(|o| o as u32),
                kind: SyntaxErrorKind::Invalid,
            }),
            _ => Ok(vec![Diagnostic {
                rule: "stub",
                severity: Severity::Warning,
                message: "stub finding".into(),
                span: Span::new(0, 1),
                label: String::new(),
                related: vec![],
                help: String::new(),
                fixes: Vec::new(),
                subject: None,
            }]),
        }
    }

    #[test]
    fn panic_in_one_file_is_an_internal_error_and_the_others_are_kept() {
        let dir = tree(&[("a.js", "a"), ("panic.js", "p"), ("z.js", "z")]);
        let report = check(&[dir.path().to_path_buf()], dir.path());
        assert_eq!(report.files_checked(), 2);
        let paths: Vec<_> = report.results().iter().map(FileResult::path).collect();
        assert_eq!(paths, ["a.js", "z.js"]);
        assert_eq!(report.file_errors().len(), 1);
        let error = &report.file_errors()[0];
        assert_eq!((error.path.as_str(), error.kind), ("panic.js", FailureKind::InternalError));
        assert!(error.message.contains("stub analyzer exploded"), "{}", error.message);
        assert!(error.message.starts_with("internal error: leaklint panicked at "), "{}", error.message);
    }

    #[test]
    fn syntax_error_offset_becomes_line_and_character_column() {
        let dir = tree(&[("syntax.js", "let a;\nlet é = !;\n")]);
        let report = check(&[dir.path().to_path_buf()], dir.path());
        let error = &report.file_errors()[0];
        assert_eq!(error.kind, FailureKind::SyntaxError);
        assert_eq!((error.line, error.column), (Some(2), Some(9)));
        assert_eq!(error.to_string(), "syntax.js:2:9: syntax error: Unexpected token");
    }

    #[test]
    fn syntax_error_without_offset_has_no_position() {
        let error = syntax_error(
            "a.js".into(),
            "x",
            &SyntaxError { message: "bad".into(), offset: None, kind: SyntaxErrorKind::Invalid },
        );
        assert_eq!(error.to_string(), "a.js: syntax error: bad");
    }

    #[test]
    fn read_and_discovery_errors_are_file_errors() {
        let dir = tree(&[("ok.js", "a"), ("bin.js", "\0\0")]);
        let missing = dir.path().join("missing");
        let report = check(&[dir.path().to_path_buf(), missing], dir.path());
        let kinds: Vec<_> = report.file_errors().iter().map(|e| (e.path.as_str(), e.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("bin.js", FailureKind::File(leaklint_files::FileErrorKind::Binary)),
                ("missing", FailureKind::File(leaklint_files::FileErrorKind::NotFound))
            ]
        );
        assert_eq!(report.files_checked(), 1);
    }

    #[test]
    fn ignored_files_are_skipped_and_named_ones_get_a_note() {
        let dir = tree(&[("a.js", "a"), ("gen.js", "g"), (".leaklintrc.json", r#"{ "ignorePatterns": ["gen.js"] }"#)]);
        let resolver = ConfigResolver::new(None).unwrap();
        let settings = Settings { resolver: &resolver, fix: false };
        let outcome = check_paths(&[dir.path().to_path_buf()], Some(dir.path()), &settings, &stub).unwrap();
        assert_eq!(outcome.report.files_checked(), 1);
        assert_eq!(outcome.notes, Vec::<String>::new());
        let named = dir.path().join("gen.js");
        let outcome = check_paths(std::slice::from_ref(&named), Some(dir.path()), &settings, &stub).unwrap();
        assert_eq!(outcome.report.files_checked(), 0);
        assert!(outcome.notes[0].starts_with("note: gen.js: ignored by ignorePatterns in "), "{:?}", outcome.notes);
        assert_eq!(outcome.notes[1], "note: no JavaScript or TypeScript files to check");
    }

    #[test]
    fn a_broken_configuration_stops_the_check() {
        let dir = tree(&[("a.js", "a"), (".leaklintrc.json", r#"{ "rules": { "nope": "off" } }"#)]);
        let resolver = ConfigResolver::new(None).unwrap();
        let settings = Settings { resolver: &resolver, fix: false };
        let err = check_paths(&[dir.path().to_path_buf()], Some(dir.path()), &settings, &stub).err().unwrap();
        assert_eq!(err.key_path(), Some("rules.nope"));
    }

    fn check(paths: &[PathBuf], cwd: &Path) -> Report {
        let resolver = ConfigResolver::new(None).unwrap();
        let settings = Settings { resolver: &resolver, fix: false };
        check_paths(paths, Some(cwd), &settings, &stub).unwrap().report
    }
}
