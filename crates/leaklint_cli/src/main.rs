//! `leaklint`: finds memory-leak shapes in JavaScript and TypeScript code.

mod args;
mod check;
mod color;
mod exit_status;
mod fix;
mod heap;
mod panic_guard;
mod rules_cmd;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use leaklint_report::{
    HumanOptions, render_checkstyle, render_github, render_human, render_json, render_junit, render_sarif, render_unix,
};

use crate::args::{CheckArgs, Cli, Command, OutputFormat};
use crate::check::run_analysis;
use crate::color::use_color;
use crate::exit_status::ExitStatus;

fn main() -> ExitCode {
    // Usage errors exit with status 2 here, inside clap.
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(&args).into(),
        Command::Rules(args) => rules_cmd::run(&args),
        Command::Heap(args) => heap::run(&args),
        Command::Lsp(_) => leaklint_lsp::run_stdio(),
    }
}

fn run_check(args: &CheckArgs) -> ExitStatus {
    let started = Instant::now();
    let pool = match build_thread_pool(args.threads) {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("error: cannot start the worker threads: {err}");
            return ExitStatus::Failure;
        }
    };
    let cwd = std::env::current_dir().ok();
    let (report, rules_run) = match run_analysis(args, &pool, cwd.as_deref()) {
        Ok(outcome) => outcome,
        Err(status) => return status,
    };
    let report = match heap::attach_from_files(report, &args.heap, cwd.as_deref()) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitStatus::Failure;
        }
    };
    let status = ExitStatus::of(&report, args.max_warnings);
    let shown = if args.quiet { report.errors_only() } else { report };

    let version = env!("CARGO_PKG_VERSION");
    let document = match args.format {
        OutputFormat::Human => {
            let no_color = std::env::var_os("NO_COLOR");
            // A report written to a file is never coloured.
            let stdout_is_terminal = args.output.is_none() && io::stdout().is_terminal();
            let options = HumanOptions {
                stdout_color: args.output.is_none() && use_color(args.color, stdout_is_terminal, no_color.as_deref()),
                stderr_color: use_color(args.color, io::stderr().is_terminal(), no_color.as_deref()),
                elapsed: started.elapsed(),
            };
            let out = render_human(&shown, &options);
            if args.output.is_none() {
                write_out(&mut io::stdout().lock(), &out.findings);
                write_out(&mut io::stderr().lock(), &out.file_errors);
                write_out(&mut io::stdout().lock(), &out.summary);
                return status;
            }
            write_out(&mut io::stderr().lock(), &out.file_errors);
            out.findings + &out.summary
        }
        OutputFormat::Json => render_json(&shown, version),
        OutputFormat::Sarif => {
            // `rules[]` lists the rules that ran: configuration may turn some off.
            let sarif = render_sarif(&shown, &rules_run, version);
            if sarif.omitted_results > 0 {
                eprintln!(
                    "warning: {} findings were left out of the SARIF output to stay within GitHub's upload limits \
                     (25,000 results, 10 MB compressed)",
                    sarif.omitted_results
                );
            }
            sarif.document
        }
        OutputFormat::Github => render_github(&shown),
        OutputFormat::Unix => render_unix(&shown),
        OutputFormat::Checkstyle => render_checkstyle(&shown),
        OutputFormat::Junit => render_junit(&shown),
    };
    match &args.output {
        None => write_out(&mut io::stdout().lock(), &document),
        Some(path) => {
            if let Err(err) = std::fs::write(path, document) {
                eprintln!("error: cannot write the report to {}: {err}", path.display());
                return ExitStatus::Failure;
            }
        }
    }
    status
}

fn build_thread_pool(threads: Option<u16>) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    // 0 lets rayon choose: one thread per core (or RAYON_NUM_THREADS). The
    // parser and the passes after it recurse once per level of nesting.
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, usize::from))
        .stack_size(leaklint_core::ANALYSIS_STACK_BYTES)
        .build()
}

/// Write and flush, ignoring errors: when the reader has gone (`| head`),
/// there is no one left to tell, and the exit status still says what was found.
fn write_out(stream: &mut impl Write, text: &str) {
    let _ = stream.write_all(text.as_bytes()).and_then(|()| stream.flush());
}
