//! Parsing: oxc's parser and semantic analysis, with the file type taken from
//! the path, then the file's facts. `floor` is the same parse and semantic
//! analysis with nothing after it, which benchmarks compare against.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser, ParserReturn};
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;

use crate::facts::FileFacts;
use crate::{SyntaxError, SyntaxErrorKind};

fn source_type(path: &Path) -> SourceType {
    // Unknown extensions (stdin buffers, editors) parse as ES modules with JSX.
    SourceType::from_path(path).unwrap_or_else(|_| SourceType::mjs().with_jsx(true))
}

fn parse<'a>(allocator: &'a Allocator, path: &Path, source: &'a str) -> Result<ParserReturn<'a>, SyntaxError> {
    // Before anything recurses on it: code nested deeper than the stack allows would abort the process.
    crate::nesting::check(source, crate::nesting::max_depth_here())?;
    parse_unchecked(allocator, path, source)
}

/// [`parse`] without the nesting check: oxc's own work only (the benchmark floor).
fn parse_unchecked<'a>(
    allocator: &'a Allocator,
    path: &Path,
    source: &'a str,
) -> Result<ParserReturn<'a>, SyntaxError> {
    let source_type = source_type(path);
    match parse_as(allocator, source, source_type) {
        // oxc refuses `@flow` files. Flow's annotations are close enough to
        // TypeScript's that most files parse as TypeScript, which is all the
        // model needs; if not, the Flow error is the one worth showing.
        Err(flow) if flow.message.contains("Flow") => {
            let as_ts = SourceType::ts().with_jsx(source_type.is_jsx()).with_module(true);
            parse_as(allocator, source, as_ts).map_err(|_| flow)
        }
        other => other,
    }
}

fn parse_as<'a>(
    allocator: &'a Allocator,
    source: &'a str,
    source_type: SourceType,
) -> Result<ParserReturn<'a>, SyntaxError> {
    let options = ParseOptions { allow_return_outside_function: true, ..ParseOptions::default() };
    let parsed = Parser::new(allocator, source, source_type).with_options(options).parse();
    let first_error = parsed.diagnostics.errors().next().map(|first| SyntaxError {
        message: first.message.to_string(),
        offset: first.labels.first().map(|l| l.offset()),
        kind: SyntaxErrorKind::Invalid,
    });
    match first_error {
        Some(err) => Err(err),
        None if parsed.panicked => {
            Err(SyntaxError { message: "the parser gave up".into(), offset: None, kind: SyntaxErrorKind::Invalid })
        }
        None => Ok(parsed),
    }
}

/// oxc's parse + semantic, nothing more (the benchmark floor).
pub(crate) fn floor(path: &Path, source: &str) -> Result<usize, SyntaxError> {
    let allocator = Allocator::default();
    let parsed = parse_unchecked(&allocator, path, source)?;
    let semantic = SemanticBuilder::new().build(&parsed.program).semantic;
    Ok(semantic.scoping().symbols_len())
}

/// Parse one file and lower it into facts. Facts depend on the text alone, not on the options.
pub(crate) fn facts(path: &Path, source: &str) -> Result<FileFacts, SyntaxError> {
    let allocator = Allocator::default();
    let parsed = parse(&allocator, path, source)?;
    let semantic = SemanticBuilder::new().build(&parsed.program).semantic;
    Ok(crate::facts::lower(path, &parsed.program, semantic.scoping(), source))
}
