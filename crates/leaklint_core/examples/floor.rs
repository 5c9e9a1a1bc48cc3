//! The benchmark floor: what `leaklint check` costs at the very least.
//!
//! Finds files exactly as `leaklint check` does (`leaklint_files::discover`),
//! reads each one (`leaklint_files::read_source`) and runs oxc's parser and
//! semantic builder on it (`leaklint_core::parse_and_semantic_only`) in a
//! rayon pool of `-j N` threads, then prints one summary line to stderr:
//!
//! ```text
//! files N symbols S errors E
//! ```
//!
//! `files` is the number of files discovery returned, `symbols` the total
//! number of symbols semantic analysis created (so the work cannot be
//! optimised away), `errors` the discovery, read and syntax errors together.
//! The exit status is 0 even when there are errors (a benchmark floor, not a
//! checker); 2 on bad usage.
//!
//! Usage: `floor [-j N | --threads N] [--list-files] [--list-errors] PATH...`
//!
//! * `--list-files` prints the discovered files to stdout, one per line
//!   (what `leaklint check` would check; `bench/run.sh` counts bytes and
//!   lines from it).
//! * `--list-errors` prints each error to stderr, `error: ` first, before
//!   the summary.
//!
//! Run with `cargo run --release -p leaklint_core --example floor -- -j 2 DIR`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

struct Options {
    threads: Option<usize>,
    list_files: bool,
    list_errors: bool,
    paths: Vec<PathBuf>,
}

const USAGE: &str = "usage: floor [-j N | --threads N] [--list-files] [--list-errors] PATH...";

fn parse_threads(value: Option<String>) -> Result<usize, String> {
    let value = value.ok_or("-j/--threads needs a value")?;
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("invalid thread count `{value}`")),
    }
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options { threads: None, list_files: false, list_errors: false, paths: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" | "--threads" => options.threads = Some(parse_threads(args.next())?),
            "--list-files" => options.list_files = true,
            "--list-errors" => options.list_errors = true,
            "-h" | "--help" => return Err(String::new()),
            "--" => options.paths.extend(args.by_ref().map(PathBuf::from)),
            _ => {
                if let Some(n) = arg.strip_prefix("--threads=") {
                    options.threads = Some(parse_threads(Some(n.to_owned()))?);
                } else if let Some(n) = arg.strip_prefix("-j").filter(|n| !n.is_empty()) {
                    options.threads = Some(parse_threads(Some(n.to_owned()))?);
                } else if arg.starts_with('-') {
                    return Err(format!("unknown option `{arg}`"));
                } else {
                    options.paths.push(PathBuf::from(arg));
                }
            }
        }
    }
    if options.paths.is_empty() {
        return Err("no PATH given".to_owned());
    }
    Ok(options)
}

/// What one file (or the whole run, once reduced) amounts to.
#[derive(Default)]
struct Tally {
    symbols: usize,
    errors: usize,
    messages: Vec<String>,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.symbols += other.symbols;
        self.errors += other.errors;
        self.messages.extend(other.messages);
        self
    }

    fn error(message: String) -> Tally {
        Tally { errors: 1, messages: vec![message], ..Tally::default() }
    }
}

fn check_file(path: &Path) -> Tally {
    let source = match leaklint_files::read_source(path) {
        Ok(source) => source,
        // `FileError` displays as `path[:line[:column]]: message`.
        Err(err) => return Tally::error(err.to_string()),
    };
    match leaklint_core::parse_and_semantic_only(path, &source) {
        Ok(symbols) => Tally { symbols, ..Tally::default() },
        Err(err) => Tally::error(format!("{}: syntax error: {}", path.display(), err.message)),
    }
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("floor: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        pool = pool.num_threads(threads);
    }
    let pool = match pool.build() {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("floor: cannot start thread pool: {err}");
            return ExitCode::from(2);
        }
    };

    let (files, tally) = pool.install(|| {
        let discovery = leaklint_files::discover(&options.paths);
        let walk_errors =
            discovery.errors.iter().map(|err| Tally::error(err.to_string())).fold(Tally::default(), Tally::merge);
        let tally = discovery.files.par_iter().map(|path| check_file(path)).reduce(Tally::default, Tally::merge);
        (discovery.files, walk_errors.merge(tally))
    });

    if options.list_files {
        let mut stdout = std::io::stdout().lock();
        for path in &files {
            // A closed pipe is not worth a panic in a benchmark helper.
            if writeln!(stdout, "{}", path.display()).is_err() {
                break;
            }
        }
    }

    if options.list_errors {
        let mut messages = tally.messages;
        messages.sort();
        for message in messages {
            eprintln!("error: {message}");
        }
    }
    eprintln!("files {} symbols {} errors {}", files.len(), tally.symbols, tally.errors);
    ExitCode::SUCCESS
}
