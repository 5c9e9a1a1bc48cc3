//! Code actions: each finding's suggested fixes, "disable for this line",
//! and `source.fixAll.leaklint` for the fixes marked safe.

use std::collections::HashMap;

use leaklint_core::{Edit, Span};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit};

use crate::analysis::Analysis;
use crate::position::{Encoding, PositionMap};

/// The kind of the action that applies every safe fix in the file.
pub const FIX_ALL_KIND: &str = "source.fixAll.leaklint";

/// The actions for `range` of the analysed text, filtered to the kinds in
/// `only` (every kind when `None`; a listed kind also admits its sub-kinds).
pub fn code_actions(
    analysis: &Analysis,
    range: Range,
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &str| {
        only.is_none_or(|kinds| {
            kinds
                .iter()
                .any(|k| kind == k.as_str() || kind.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with('.')))
        })
    };
    let text = &*analysis.text;
    let map = PositionMap::new(text, encoding);
    let requested = map.span(range);
    let mut actions = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        for (finding, diagnostic) in analysis.findings.iter().zip(&analysis.diagnostics) {
            if !touches(finding.span, requested) {
                continue;
            }
            let mut preferred_given = false;
            for fix in &finding.fixes {
                // A fix whose edits do not apply to this text is a core bug; offering it would corrupt the file.
                if fix.apply(text).is_none() {
                    continue;
                }
                let is_preferred = fix.safe && !preferred_given;
                preferred_given |= is_preferred;
                actions.push(action(
                    fix.message.clone(),
                    CodeActionKind::QUICKFIX,
                    Some(diagnostic.clone()),
                    is_preferred,
                    workspace_edit(&analysis.uri, &map, fix.edits.iter()),
                ));
            }
            let disable = disable_comment_edit(&map, text, &analysis.uri, finding.rule, finding.span.start);
            actions.push(action(
                format!("Disable {} for this line", finding.rule),
                CodeActionKind::QUICKFIX,
                Some(diagnostic.clone()),
                false,
                disable,
            ));
        }
    }
    if wants(FIX_ALL_KIND) {
        let safe_edits = non_overlapping_safe_edits(analysis);
        if !safe_edits.is_empty() {
            actions.push(action(
                "Fix all safe leaklint problems".to_string(),
                CodeActionKind::from(FIX_ALL_KIND.to_string()),
                None,
                false,
                workspace_edit(&analysis.uri, &map, safe_edits.into_iter()),
            ));
        }
    }
    actions.into_iter().map(CodeActionOrCommand::CodeAction).collect()
}

/// Whether a finding is under the requested range; an empty range (the
/// cursor) touching the finding's edge counts.
fn touches(finding: Span, requested: Span) -> bool {
    finding.start <= requested.end && requested.start <= finding.end
}

/// Every safe fix's edits, in source order; a fix that would overlap one
/// already taken is left for a later run (after which it is re-reported).
fn non_overlapping_safe_edits(analysis: &Analysis) -> Vec<&Edit> {
    let mut fixes: Vec<&leaklint_core::Fix> = analysis
        .findings
        .iter()
        .flat_map(|f| f.fixes.iter().filter(|fix| fix.safe).take(1))
        .filter(|fix| fix.apply(&analysis.text).is_some())
        .collect();
    fixes.sort_by_key(|fix| fix.edits.iter().map(|e| e.span.start).min());
    let mut taken: Vec<&Edit> = Vec::new();
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| taken.iter().any(|t| overlap(t.span, e.span)));
        // Two identical edits (one declaration shared by two findings) are one edit.
        let duplicate = fix.edits.iter().all(|e| taken.contains(&e));
        if !overlaps && !duplicate {
            taken.extend(fix.edits.iter());
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    taken
}

/// Overlap, counting two insertions at one offset as overlapping (their order would be ambiguous).
fn overlap(a: Span, b: Span) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// Insert `// leaklint-disable-next-line <rule>` above the line the finding
/// starts on, indented like it; `{/* ... */}` between JSX children, where a
/// line comment would be text.
fn disable_comment_edit(map: &PositionMap<'_>, text: &str, uri: &Uri, rule: &str, at: u32) -> WorkspaceEdit {
    let (line_start, indent) = map.indentation_at(at);
    if let Some(edit) = extend_directive_above(text, line_start, rule) {
        return workspace_edit(uri, map, std::iter::once(&edit));
    }
    let directive = format!("leaklint-disable-next-line {rule}");
    let comment =
        if in_jsx_children(text, line_start) { format!("{{/* {directive} */}}") } else { format!("// {directive}") };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let edit = Edit {
        span: Span::new(line_start as u32, line_start as u32),
        replacement: format!("{indent}{comment}{newline}"),
    };
    workspace_edit(uri, map, std::iter::once(&edit))
}

/// When the line above is already a `leaklint-disable-next-line` comment
/// for other rules, add `rule` to its list: a second comment above it would
/// only cover the first comment's line.
fn extend_directive_above(text: &str, line_start: usize, rule: &str) -> Option<Edit> {
    const DIRECTIVE: &str = "leaklint-disable-next-line ";
    let above = text[..line_start].strip_suffix('\n').unwrap_or(&text[..line_start]);
    let above = above.strip_suffix('\r').unwrap_or(above);
    let above_start = above.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &above[above_start..];
    let body = line.trim_start();
    let after_opener =
        body.strip_prefix("//").or_else(|| body.strip_prefix("{/*")).or_else(|| body.strip_prefix("/*"))?;
    let rules_and_rest = after_opener.trim_start().strip_prefix(DIRECTIVE)?;
    // The rule list ends at a ` -- description` or at the comment's close.
    let list_len =
        [" --", "*/"].iter().filter_map(|end| rules_and_rest.find(end)).min().unwrap_or(rules_and_rest.len());
    let list = rules_and_rest[..list_len].trim_end();
    if list.is_empty() || list.split(',').any(|r| r.trim() == rule) {
        return None;
    }
    // Every step above only trimmed the front, so `rules_and_rest` ends where `line` does.
    let list_end = above_start + line.len() - rules_and_rest.len() + list.len();
    Some(Edit { span: Span::new(list_end as u32, list_end as u32), replacement: format!(", {rule}") })
}

/// A line that starts with a JSX element or expression container right after
/// a line ending in a tag (`<div>`, `<Item />`) is among JSX children. A
/// heuristic on text, which is all the server has here; it errs towards `//`.
fn in_jsx_children(text: &str, line_start: usize) -> bool {
    let line = text[line_start..].lines().next().unwrap_or("").trim_start();
    if !(line.starts_with('<') || line.starts_with('{')) {
        return false;
    }
    let before = text[..line_start].trim_end();
    before.ends_with('>') && !before.ends_with("=>") && !before.ends_with("->")
}

fn action(
    title: String,
    kind: CodeActionKind,
    diagnostic: Option<lsp_types::Diagnostic>,
    is_preferred: bool,
    edit: WorkspaceEdit,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(edit),
        is_preferred: is_preferred.then_some(true),
        ..Default::default()
    }
}

fn workspace_edit<'e>(uri: &Uri, map: &PositionMap<'_>, edits: impl Iterator<Item = &'e Edit>) -> WorkspaceEdit {
    let edits = edits.map(|e| TextEdit { range: map.range(e.span), new_text: e.replacement.clone() }).collect();
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use leaklint_core::{Diagnostic, Fix, Severity};
    use lsp_types::Position;

    use super::*;

    const TEXT: &str =
        "const seen = new Map();\nfunction handle(req) {\n  seen.set(req, 1);\n  other.set(req, 2);\n}\n";

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap() as u32;
        Span::new(start, start + needle.len() as u32)
    }

    fn fix(message: &str, safe: bool, edits: &[(Span, &str)]) -> Fix {
        Fix {
            message: message.to_string(),
            safe,
            edits: edits.iter().map(|&(span, r)| Edit { span, replacement: r.to_string() }).collect(),
        }
    }

    fn finding(rule: &'static str, span: Span, fixes: Vec<Fix>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Error,
            message: "grows".to_string(),
            span,
            label: String::new(),
            related: Vec::new(),
            help: String::new(),
            fixes,
            subject: None,
        }
    }

    fn analysed(text: &str, findings: Vec<Diagnostic>) -> Analysis {
        let diagnostics = findings
            .iter()
            .map(|f| lsp_types::Diagnostic { message: f.rule.to_string(), ..Default::default() })
            .collect();
        Analysis {
            uri: "file:///a.js".parse().unwrap(),
            version: 1,
            text: Arc::from(text),
            findings,
            diagnostics,
            config_path: None,
            config_error: None,
        }
    }

    fn whole(text: &str) -> Range {
        let map = PositionMap::new(text, Encoding::Utf16);
        map.range(Span::new(0, text.len() as u32))
    }

    fn apply(text: &str, action: &CodeActionOrCommand) -> String {
        let CodeActionOrCommand::CodeAction(action) = action else { panic!("a command") };
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[&"file:///a.js".parse::<Uri>().unwrap()];
        let map = PositionMap::new(text, Encoding::Utf16);
        let core_edits: Vec<Edit> =
            edits.iter().map(|e| Edit { span: map.span(e.range), replacement: e.new_text.clone() }).collect();
        leaklint_core::apply_edits(text, &core_edits).unwrap()
    }

    fn titles(actions: &[CodeActionOrCommand]) -> Vec<String> {
        actions
            .iter()
            .map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a.title.clone(),
                CodeActionOrCommand::Command(c) => c.title.clone(),
            })
            .collect()
    }

    fn weakmap_finding() -> Diagnostic {
        let weak = fix("Use a WeakMap", true, &[(span_of(TEXT, "new Map()"), "new WeakMap()")]);
        let delete = fix(
            "Delete the entry when the request ends",
            false,
            &[(
                Span::new(span_of(TEXT, "seen.set(req, 1);").end, span_of(TEXT, "seen.set(req, 1);").end),
                "\n  seen.delete(req);",
            )],
        );
        finding("no-unbounded-collection", span_of(TEXT, "seen.set(req, 1)"), vec![weak, delete])
    }

    #[test]
    fn each_fix_is_a_quick_fix_and_the_first_safe_one_is_preferred() {
        let analysis = analysed(TEXT, vec![weakmap_finding()]);
        let actions = code_actions(&analysis, whole(TEXT), None, Encoding::Utf16);
        assert_eq!(
            titles(&actions),
            [
                "Use a WeakMap",
                "Delete the entry when the request ends",
                "Disable no-unbounded-collection for this line",
                "Fix all safe leaklint problems"
            ]
        );
        let CodeActionOrCommand::CodeAction(first) = &actions[0] else { panic!() };
        assert_eq!((first.is_preferred, first.kind.clone()), (Some(true), Some(CodeActionKind::QUICKFIX)));
        assert_eq!(first.diagnostics.as_ref().unwrap()[0].message, "no-unbounded-collection");
        assert!(apply(TEXT, &actions[0]).starts_with("const seen = new WeakMap();\n"));
        assert!(apply(TEXT, &actions[1]).contains("seen.set(req, 1);\n  seen.delete(req);\n"));
        assert_eq!(
            apply(TEXT, &actions[2]),
            TEXT.replace("  seen.set", "  // leaklint-disable-next-line no-unbounded-collection\n  seen.set")
        );
    }

    #[test]
    fn only_filters_by_kind_and_sub_kind() {
        let analysis = analysed(TEXT, vec![weakmap_finding()]);
        let fix_all = [CodeActionKind::SOURCE_FIX_ALL];
        assert_eq!(
            titles(&code_actions(&analysis, whole(TEXT), Some(&fix_all), Encoding::Utf16)),
            ["Fix all safe leaklint problems"]
        );
        let quick = [CodeActionKind::QUICKFIX];
        assert_eq!(code_actions(&analysis, whole(TEXT), Some(&quick), Encoding::Utf16).len(), 3);
        let refactor = [CodeActionKind::REFACTOR];
        assert!(code_actions(&analysis, whole(TEXT), Some(&refactor), Encoding::Utf16).is_empty());
    }

    #[test]
    fn quick_fixes_are_for_findings_under_the_range() {
        let analysis = analysed(TEXT, vec![weakmap_finding()]);
        let line_one = Range { start: Position::new(0, 0), end: Position::new(0, 3) };
        let quick = [CodeActionKind::QUICKFIX];
        assert!(code_actions(&analysis, line_one, Some(&quick), Encoding::Utf16).is_empty());
        let cursor_at_end = PositionMap::new(TEXT, Encoding::Utf16).position(span_of(TEXT, "seen.set(req, 1)").end);
        let cursor = Range { start: cursor_at_end, end: cursor_at_end };
        assert_eq!(code_actions(&analysis, cursor, Some(&quick), Encoding::Utf16).len(), 3);
    }

    #[test]
    fn fix_all_applies_safe_fixes_once_and_skips_overlaps_and_broken_ones() {
        let to_weak = |f: &str| fix(f, true, &[(span_of(TEXT, "new Map()"), "new WeakMap()")]);
        let first = finding("no-unbounded-collection", span_of(TEXT, "seen.set(req, 1)"), vec![to_weak("a")]);
        // The same declaration fix reported from a second write: one edit.
        let second = finding("no-unbounded-collection", span_of(TEXT, "seen.set(req, 1)"), vec![to_weak("b")]);
        // Overlaps the first: left for the next run.
        let overlapping = finding(
            "x-rule",
            span_of(TEXT, "seen.set(req, 1)"),
            vec![fix("c", true, &[(span_of(TEXT, "Map()"), "Set()")])],
        );
        let unsafe_only = finding(
            "y-rule",
            span_of(TEXT, "other.set(req, 2)"),
            vec![fix("d", false, &[(span_of(TEXT, "other"), "gone")])],
        );
        let out_of_bounds =
            finding("z-rule", span_of(TEXT, "other.set(req, 2)"), vec![fix("e", true, &[(Span::new(500, 501), "x")])]);
        let analysis = analysed(TEXT, vec![first, second, overlapping, unsafe_only, out_of_bounds]);
        let only = [CodeActionKind::from(FIX_ALL_KIND.to_string())];
        let actions = code_actions(&analysis, whole(TEXT), Some(&only), Encoding::Utf16);
        assert_eq!(actions.len(), 1);
        assert_eq!(apply(TEXT, &actions[0]), TEXT.replace("new Map()", "new WeakMap()"));
        // The broken fix is not offered as a quick fix either.
        let quick = code_actions(&analysis, whole(TEXT), Some(&[CodeActionKind::QUICKFIX]), Encoding::Utf16);
        assert!(!titles(&quick).contains(&"e".to_string()));
    }

    #[test]
    fn no_fix_all_without_safe_fixes() {
        let analysis =
            analysed(TEXT, vec![finding("no-unbounded-collection", span_of(TEXT, "seen.set(req, 1)"), vec![])]);
        assert_eq!(
            titles(&code_actions(&analysis, whole(TEXT), None, Encoding::Utf16)),
            ["Disable no-unbounded-collection for this line"]
        );
    }

    #[test]
    fn a_directive_above_for_another_rule_gets_this_rule_added() {
        for (above, expected) in [
            (
                "  // leaklint-disable-next-line other-rule -- kept on purpose\n",
                "  // leaklint-disable-next-line other-rule, r -- kept on purpose\n",
            ),
            ("  // leaklint-disable-next-line a, b\n", "  // leaklint-disable-next-line a, b, r\n"),
            ("  {/* leaklint-disable-next-line a */}\n", "  {/* leaklint-disable-next-line a, r */}\n"),
        ] {
            let text = format!("function f() {{\n{above}  seen.set(req, 1);\n}}\n");
            let analysis = analysed(&text, vec![finding("r", span_of(&text, "seen.set"), vec![])]);
            let actions = code_actions(&analysis, whole(&text), None, Encoding::Utf16);
            assert_eq!(apply(&text, &actions[0]), text.replace(above, expected));
        }
        // A plain comment above is not a directive: a new line goes in.
        let text = "// seen is a cache\nseen.set(req, 1);\n";
        let analysis = analysed(text, vec![finding("r", span_of(text, "seen.set"), vec![])]);
        let actions = code_actions(&analysis, whole(text), None, Encoding::Utf16);
        assert_eq!(apply(text, &actions[0]), text.replace("seen.set", "// leaklint-disable-next-line r\nseen.set"));
    }

    #[test]
    fn suppression_comments_fit_jsx_children_and_line_endings() {
        let jsx = "function List() {\r\n  return (\r\n    <ul>\r\n      {items.map((i) => <li>{i}</li>)}\r\n    </ul>\r\n  );\r\n}\r\n";
        let analysis = analysed(jsx, vec![finding("r", span_of(jsx, "items.map"), vec![])]);
        let actions = code_actions(&analysis, whole(jsx), None, Encoding::Utf16);
        assert_eq!(
            apply(jsx, &actions[0]),
            jsx.replace("      {items", "      {/* leaklint-disable-next-line r */}\r\n      {items")
        );
        // Right after `return (` the element is an expression, where `//` is a comment.
        let expr = "function A() {\n  return (\n    <Ticker />\n  );\n}\n";
        let analysis = analysed(expr, vec![finding("r", span_of(expr, "<Ticker />"), vec![])]);
        let actions = code_actions(&analysis, whole(expr), None, Encoding::Utf16);
        assert_eq!(
            apply(expr, &actions[0]),
            expr.replace("    <Ticker", "    // leaklint-disable-next-line r\n    <Ticker")
        );
        // An arrow's `=>` is not a closing tag.
        assert!(!in_jsx_children("const f = () =>\n  {a}\n", "const f = () =>\n".len()));
    }
}
