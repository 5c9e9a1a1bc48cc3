//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "leaklint", version, about = "Finds memory-leak shapes in JavaScript and TypeScript code.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories for leak shapes.
    Check(CheckArgs),
    /// Read V8 heap snapshots: top classes, growth between snapshots.
    Heap(crate::heap::HeapArgs),
    /// List the rules: id, default severity and what each finds.
    Rules(RulesArgs),
    /// Run the language server on stdin/stdout, for editors (see editors/README.md).
    Lsp(LspArgs),
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk over stdin/stdout (the only transport; accepted because editor clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to check. Directories are walked, honouring
    /// .gitignore and .ignore and skipping node_modules and hidden directories.
    #[arg(value_name = "PATHS", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output (file errors still go to stderr in human format).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// A heap snapshot of the running program: findings the heap confirms
    /// come first, with the evidence. Repeat for BASE TARGET [FINAL].
    #[arg(long, value_name = "SNAPSHOT", action = clap::ArgAction::Append)]
    pub heap: Vec<PathBuf>,

    /// Report errors only: warnings are neither shown nor counted in the output.
    #[arg(long)]
    pub quiet: bool,

    /// Exit with status 1 when there are more than N warnings (counted even with --quiet).
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,

    /// When to use colours in human output. `auto`: when writing to a terminal and NO_COLOR is unset or empty.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Number of threads checking files [default: one per CPU core].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Use this configuration file for every file instead of the nearest .leaklintrc.json.
    #[arg(short = 'c', long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Check one file read from standard input (name it with --stdin-filename).
    #[arg(long, requires = "stdin_filename", conflicts_with = "fix_suggestions")]
    pub stdin: bool,

    /// With --stdin: the path the text is checked as (file type, configuration, ignore patterns, report).
    #[arg(long, value_name = "PATH", requires = "stdin")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply the first suggested fix of each finding to the files, where fixes do not overlap.
    #[arg(long)]
    pub fix_suggestions: bool,

    /// Report leaklint-disable/-enable comments that suppress nothing (see docs/suppressions.md).
    #[arg(long)]
    pub report_unused_disable_directives: bool,

    /// Severity of unused-directive reports; implies --report-unused-disable-directives [default: error].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub report_unused_disable_directives_severity: Option<DirectiveSeverity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectiveSeverity {
    Warn,
    Error,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: a table for people, or JSON for tools.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

/// How results are written. New formats (SARIF, GitHub annotations, ...)
/// are added here and rendered by `leaklint_report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Annotated source snippets, one-line file errors on stderr, and a summary.
    Human,
    /// One JSON document on stdout (see docs/json-format.md).
    Json,
    /// One SARIF 2.1.0 document, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`): annotations on the pull request.
    Github,
    /// `path:line:column: message [Severity/rule]`, one line per problem.
    Unix,
    /// Checkstyle XML (Jenkins, reviewdog, code-review bots).
    Checkstyle,
    /// JUnit XML (CI test-report views).
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<CheckArgs, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("leaklint").chain(args.iter().copied()))?;
        match cli.command {
            Command::Check(check) => Ok(check),
            other => panic!("not a check command: {other:?}"),
        }
    }

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let args = parse(&["check"]).unwrap();
        assert_eq!(args.paths, [PathBuf::from(".")]);
        assert_eq!(args.format, OutputFormat::Human);
        assert_eq!(args.color, ColorChoice::Auto);
        assert!(!args.quiet);
        assert_eq!(args.max_warnings, None);
        assert_eq!(args.threads, None);
    }

    #[test]
    fn all_flags() {
        let args = parse(&[
            "check",
            "a",
            "b",
            "--format",
            "json",
            "--quiet",
            "--max-warnings",
            "3",
            "--color",
            "never",
            "-j",
            "2",
        ])
        .unwrap();
        assert_eq!(args.paths, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(args.format, OutputFormat::Json);
        assert!(args.quiet);
        assert_eq!(args.max_warnings, Some(3));
        assert_eq!(args.color, ColorChoice::Never);
        assert_eq!(args.threads, Some(2));
        assert_eq!(parse(&["check", "--threads", "4"]).unwrap().threads, Some(4));
    }

    #[test]
    fn output_file_and_ci_formats() {
        let args = parse(&["check", "--format", "sarif", "-o", "out.sarif"]).unwrap();
        assert_eq!((args.format, args.output), (OutputFormat::Sarif, Some(PathBuf::from("out.sarif"))));
        assert_eq!(parse(&["check", "--output", "x"]).unwrap().output, Some(PathBuf::from("x")));
        for (name, format) in [
            ("github", OutputFormat::Github),
            ("unix", OutputFormat::Unix),
            ("checkstyle", OutputFormat::Checkstyle),
            ("junit", OutputFormat::Junit),
        ] {
            assert_eq!(parse(&["check", "--format", name]).unwrap().format, format);
        }
    }

    #[test]
    fn configuration_stdin_and_fix_flags() {
        let args = parse(&[
            "check",
            "-c",
            "conf.json",
            "--stdin",
            "--stdin-filename",
            "src/a.ts",
            "--report-unused-disable-directives-severity",
            "warn",
        ])
        .unwrap();
        assert_eq!(args.config, Some(PathBuf::from("conf.json")));
        assert!(args.stdin);
        assert_eq!(args.stdin_filename, Some(PathBuf::from("src/a.ts")));
        assert_eq!(args.report_unused_disable_directives_severity, Some(DirectiveSeverity::Warn));
        let args = parse(&["check", "--fix-suggestions", "--report-unused-disable-directives"]).unwrap();
        assert!(args.fix_suggestions && args.report_unused_disable_directives && !args.stdin);
        for bad in [
            &["check", "--stdin"][..],
            &["check", "--stdin-filename", "a.js"],
            &["check", "--stdin", "--stdin-filename", "a.js", "--fix-suggestions"],
            &["check", "--report-unused-disable-directives-severity", "info"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rules_subcommand_formats() {
        let cli = Cli::try_parse_from(["leaklint", "rules", "--format", "json"]).unwrap();
        assert!(matches!(cli.command, Command::Rules(RulesArgs { format: RulesFormat::Json })));
        assert!(Cli::try_parse_from(["leaklint", "rules", "--format", "sarif"]).is_err());
    }

    #[test]
    fn rejects_bad_values() {
        for bad in [
            &["check", "--format", "xml"][..],
            &["check", "--threads", "0"],
            &["check", "--max-warnings", "-1"],
            &["check", "--color", "sometimes"],
            &["lint"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lsp_accepts_the_stdio_flag_editors_pass() {
        for args in [&["leaklint", "lsp"][..], &["leaklint", "lsp", "--stdio"]] {
            let cli = Cli::try_parse_from(args).unwrap();
            assert!(matches!(cli.command, Command::Lsp(_)), "{args:?}");
        }
        assert!(Cli::try_parse_from(["leaklint", "lsp", "--tcp"]).is_err());
    }
}
