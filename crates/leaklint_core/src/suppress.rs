//! Suppression comments, with ESLint's semantics (see `docs/suppressions.md`):
//!
//! - `// leaklint-disable-next-line [rules] [-- reason]` and
//!   `// leaklint-disable-line ...` (also as one-line block comments);
//! - `/* leaklint-disable [rules] */ ... /* leaklint-enable [rules] */` (block
//!   comments only; a line comment `// leaklint-disable` is not a directive).
//!
//! No rule list means every rule. Text after ` -- ` is a description and is
//! ignored. A diagnostic is suppressed by the line its primary span starts on
//! (line directives) or by the directives before its start (block directives).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::model::Comment;
use crate::span::{LineIndex, Span};
use crate::{ActiveRule, Options};

/// Pseudo rule id of a directive that suppresses (or re-enables) nothing,
/// reported with `--report-unused-disable-directives`.
pub const UNUSED_DIRECTIVE_RULE: &str = "unused-disable-directive";
/// Pseudo rule id of a directive that cannot be used as written: an unknown
/// rule id, or a `-line` directive in a block comment over several lines.
pub const INVALID_DIRECTIVE_RULE: &str = "invalid-directive";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    DisableLine,
    DisableNextLine,
}

impl Kind {
    fn parse(word: &str) -> Option<Kind> {
        Some(match word {
            "leaklint-disable" => Kind::Disable,
            "leaklint-enable" => Kind::Enable,
            "leaklint-disable-line" => Kind::DisableLine,
            "leaklint-disable-next-line" => Kind::DisableNextLine,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Disable => "leaklint-disable",
            Kind::Enable => "leaklint-enable",
            Kind::DisableLine => "leaklint-disable-line",
            Kind::DisableNextLine => "leaklint-disable-next-line",
        }
    }
}

/// A rule id written in a directive, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RuleName {
    id: String,
    span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    kind: Kind,
    comment: Span,
    /// `None`: every rule. Unknown ids are already taken out (and reported),
    /// so `Some` of an empty list disables nothing.
    rules: Option<Vec<RuleName>>,
}

/// One entry a directive can be "used" by: a listed rule, or the whole
/// directive when it lists none.
type Entry = (usize, Option<usize>);

/// Drop the diagnostics that directives suppress; add diagnostics for
/// invalid directives and, when asked, for unused ones.
pub(crate) fn apply_directives(
    directive_comments: &[Comment],
    source: &str,
    rules: &[ActiveRule<'_>],
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if directive_comments.is_empty() {
        return;
    }
    let lines = LineIndex::new(source);
    let line_of = |offset: u32| lines.position(source, offset).line;
    let known = |id: &str| {
        if options.known_rules.is_empty() {
            rules.iter().any(|active| active.rule.meta().id == id)
        } else {
            options.known_rules.contains(&id)
        }
    };

    let mut problems = Vec::new();
    let mut directives = Vec::new();
    for comment in directive_comments {
        let Some(parsed) = parse_directive(source, comment) else { continue };
        let (mut directive, names) = parsed;
        let is_line_kind = matches!(directive.kind, Kind::DisableLine | Kind::DisableNextLine);
        if is_line_kind && line_of(comment.span.start) != line_of(comment.span.end) {
            problems.push(pseudo(
                INVALID_DIRECTIVE_RULE,
                Severity::Error,
                comment.span,
                format!("`{}` comment should not span multiple lines", directive.kind.name()),
                "move the directive onto one line".into(),
                Vec::new(),
            ));
            continue;
        }
        if let Some(names) = names {
            let (known_names, unknown): (Vec<RuleName>, Vec<RuleName>) =
                names.into_iter().partition(|name| known(&name.id));
            for name in unknown {
                problems.push(pseudo(
                    INVALID_DIRECTIVE_RULE,
                    Severity::Error,
                    name.span,
                    format!("Definition for rule `{}` was not found", name.id),
                    "`leaklint rules` lists the rule ids".into(),
                    Vec::new(),
                ));
            }
            directive.rules = Some(known_names);
        }
        directives.push(directive);
    }

    let mut used: FxHashSet<Entry> = FxHashSet::default();
    let (block_suppressed, closed_by) = apply_block_directives(&directives, diagnostics, &mut used);
    let line_suppressed = apply_line_directives(&directives, diagnostics, &line_of, &mut used);
    // An enable is used when it ends a disable that was used: closing only
    // unused disables, it goes with them.
    for (enable, closed) in closed_by {
        if closed.iter().any(|entry| used.contains(entry)) {
            used.insert(enable);
        }
    }
    let mut index = 0;
    diagnostics.retain(|_| {
        let keep = !block_suppressed.contains(&index) && !line_suppressed.contains(&index);
        index += 1;
        keep
    });

    if let Some(severity) = options.report_unused_disable_directives {
        for (d, directive) in directives.iter().enumerate() {
            report_unused(source, d, directive, &used, severity, &mut problems);
        }
    }
    diagnostics.extend(problems);
}

/// The directive in `comment`, if it is one, and the rule names it lists
/// (`None` when it lists none).
fn parse_directive(source: &str, comment: &Comment) -> Option<(Directive, Option<Vec<RuleName>>)> {
    let content = comment.content.text(source);
    // ` -- reason`: whitespace, two or more dashes, whitespace.
    let text = &content[..description_start(content).unwrap_or(content.len())];
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let kind = Kind::parse(&rest[..word_end])?;
    if !comment.block && matches!(kind, Kind::Disable | Kind::Enable) {
        return None;
    }
    let list_start = comment.content.start as usize + lead + word_end;
    let list = &rest[word_end..];
    let mut names = Vec::new();
    let mut at = 0;
    for item in list.split(',') {
        let trimmed = item.trim();
        if !trimmed.is_empty() {
            let start = list_start + at + (item.len() - item.trim_start().len());
            names.push(RuleName {
                id: trimmed.to_string(),
                span: Span::new(start as u32, (start + trimmed.len()) as u32),
            });
        }
        at += item.len() + 1;
    }
    let names = (!names.is_empty()).then_some(names);
    Some((Directive { kind, comment: comment.span, rules: None }, names))
}

/// Byte offset where a ` -- description` starts.
fn description_start(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] == b'-' {
                j += 1;
            }
            if j - (i + 1) >= 2 && j < bytes.len() && bytes[j].is_ascii_whitespace() {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// `leaklint-disable`/`leaklint-enable` regions, walked in source order with
/// the diagnostics (ESLint's state machine). Returns the suppressed indices
/// and, for each enable entry, the disable entries it ends.
fn apply_block_directives(
    directives: &[Directive],
    diagnostics: &[Diagnostic],
    used: &mut FxHashSet<Entry>,
) -> (FxHashSet<usize>, FxHashMap<Entry, Vec<Entry>>) {
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| diagnostics[i].span.start);
    let blocks: Vec<usize> =
        (0..directives.len()).filter(|&d| matches!(directives[d].kind, Kind::Disable | Kind::Enable)).collect();

    // Everything disabled by this directive, except the rules re-enabled since.
    let mut disabled_all: Option<usize> = None;
    let mut enabled_since: FxHashSet<&str> = FxHashSet::default();
    // Rules disabled one by one, with the entry that did it.
    let mut disabled_rules: FxHashMap<&str, Entry> = FxHashMap::default();
    let mut suppressed = FxHashSet::default();
    let mut closed_by = FxHashMap::default();
    let mut next_block = 0;
    for i in order {
        let diagnostic = &diagnostics[i];
        while let Some(&d) = blocks.get(next_block) {
            if directives[d].comment.start > diagnostic.span.start {
                break;
            }
            apply_block(d, &directives[d], &mut disabled_all, &mut enabled_since, &mut disabled_rules, &mut closed_by);
            next_block += 1;
        }
        if let Some(&entry) = disabled_rules.get(diagnostic.rule) {
            used.insert(entry);
            suppressed.insert(i);
        } else if let Some(d) = disabled_all.filter(|_| !enabled_since.contains(diagnostic.rule)) {
            used.insert((d, None));
            suppressed.insert(i);
        }
    }
    // Enable directives after the last diagnostic are used or not all the same.
    for &d in &blocks[next_block..] {
        apply_block(d, &directives[d], &mut disabled_all, &mut enabled_since, &mut disabled_rules, &mut closed_by);
    }
    (suppressed, closed_by)
}

fn apply_block<'d>(
    d: usize,
    directive: &'d Directive,
    disabled_all: &mut Option<usize>,
    enabled_since: &mut FxHashSet<&'d str>,
    disabled_rules: &mut FxHashMap<&'d str, Entry>,
    closed_by: &mut FxHashMap<Entry, Vec<Entry>>,
) {
    match (directive.kind, &directive.rules) {
        (Kind::Disable, None) => {
            *disabled_all = Some(d);
            enabled_since.clear();
            disabled_rules.clear();
        }
        (Kind::Disable, Some(names)) => {
            // As in ESLint, the latest directive naming a rule is the one that
            // suppresses it, even under a disable-all.
            for (k, name) in names.iter().enumerate() {
                enabled_since.remove(name.id.as_str());
                disabled_rules.insert(&name.id, (d, Some(k)));
            }
        }
        (Kind::Enable, None) => {
            let closed = closed_by.entry((d, None)).or_default();
            closed.extend(disabled_all.map(|all| (all, None)));
            closed.extend(disabled_rules.values().copied());
            *disabled_all = None;
            enabled_since.clear();
            disabled_rules.clear();
        }
        (Kind::Enable, Some(names)) => {
            for (k, name) in names.iter().enumerate() {
                let closed = closed_by.entry((d, Some(k))).or_default();
                if let Some(entry) = disabled_rules.remove(name.id.as_str()) {
                    closed.push(entry);
                } else if let Some(all) = disabled_all.filter(|_| !enabled_since.contains(name.id.as_str())) {
                    closed.push((all, None));
                }
                if disabled_all.is_some() {
                    enabled_since.insert(&name.id);
                }
            }
        }
        (Kind::DisableLine | Kind::DisableNextLine, _) => {}
    }
}

/// `-line` and `-next-line` directives. Returns the suppressed indices.
fn apply_line_directives(
    directives: &[Directive],
    diagnostics: &[Diagnostic],
    line_of: &dyn Fn(u32) -> u32,
    used: &mut FxHashSet<Entry>,
) -> FxHashSet<usize> {
    let mut by_line: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (d, directive) in directives.iter().enumerate() {
        let line = match directive.kind {
            Kind::DisableLine => line_of(directive.comment.start),
            Kind::DisableNextLine => line_of(directive.comment.end) + 1,
            Kind::Disable | Kind::Enable => continue,
        };
        by_line.entry(line).or_default().push(d);
    }
    let mut suppressed = FxHashSet::default();
    if by_line.is_empty() {
        return suppressed;
    }
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        let Some(on_line) = by_line.get(&line_of(diagnostic.span.start)) else { continue };
        for &d in on_line {
            let entry = match &directives[d].rules {
                None => Some((d, None)),
                Some(names) => names.iter().position(|name| name.id == diagnostic.rule).map(|k| (d, Some(k))),
            };
            if let Some(entry) = entry {
                used.insert(entry);
                suppressed.insert(i);
            }
        }
    }
    suppressed
}

fn report_unused(
    source: &str,
    d: usize,
    directive: &Directive,
    used: &FxHashSet<Entry>,
    severity: Severity,
    out: &mut Vec<Diagnostic>,
) {
    let name = directive.kind.name();
    let nothing = match directive.kind {
        Kind::Enable => "no matching `leaklint-disable` directives were found",
        _ => "no problems were reported",
    };
    let joiner = match directive.kind {
        Kind::Enable => " for ",
        _ => " from ",
    };
    let help = "Unused directives hide nothing today but would hide a future finding; remove them.".to_string();
    // The whole directive is unused: one finding on the comment, fixed by removing it.
    let unused_comment = |message: String, help: String| {
        let fix = Fix {
            message: format!("Remove the unused `{name}` directive"),
            safe: true,
            edits: vec![Edit { span: comment_removal(source, directive.comment), replacement: String::new() }],
        };
        pseudo(UNUSED_DIRECTIVE_RULE, severity, directive.comment, message, help, vec![fix])
    };
    match &directive.rules {
        None => {
            if !used.contains(&(d, None)) {
                out.push(unused_comment(format!("Unused `{name}` directive ({nothing})"), help));
            }
        }
        // Every id was unknown: reported as invalid already.
        Some(names) if names.is_empty() => {}
        Some(names) => {
            let unused: Vec<usize> = (0..names.len()).filter(|&k| !used.contains(&(d, Some(k)))).collect();
            if unused.len() == names.len() {
                let list: Vec<String> = names.iter().map(|n| format!("`{}`", n.id)).collect();
                let message = format!("Unused `{name}` directive ({nothing}{joiner}{})", list.join(" or "));
                out.push(unused_comment(message, help));
                return;
            }
            for k in unused {
                let rule = &names[k];
                // Take a comma with it: the one after while a used name follows,
                // else the one before (a used name precedes). The removals of one
                // directive then never overlap, so all apply in one pass.
                let used_after = (k + 1..names.len()).any(|later| used.contains(&(d, Some(later))));
                let span = match (used_after, names.get(k + 1), k.checked_sub(1).map(|p| &names[p])) {
                    (true, Some(next), _) => Span::new(rule.span.start, next.span.start),
                    (false, _, Some(previous)) => Span::new(previous.span.end, rule.span.end),
                    _ => rule.span,
                };
                let message = format!("Unused `{name}` directive ({nothing}{joiner}`{}`)", rule.id);
                let fix = Fix {
                    message: format!("Remove `{}` from the directive", rule.id),
                    safe: true,
                    edits: vec![Edit { span, replacement: String::new() }],
                };
                out.push(pseudo(UNUSED_DIRECTIVE_RULE, severity, rule.span, message, help.clone(), vec![fix]));
            }
        }
    }
}

/// What to delete to remove a comment: its whole line when nothing else is on
/// it, else the comment and the blanks that separate it from the code.
fn comment_removal(source: &str, comment: Span) -> Span {
    let bytes = source.as_bytes();
    let (start, end) = (comment.start as usize, comment.end as usize);
    let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
    let line_start = source[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = source[end..].find(['\n', '\r']).map_or(source.len(), |i| end + i);
    let before_blank = bytes[line_start..start].iter().all(is_blank);
    let after_blank = bytes[end..line_end].iter().all(is_blank);
    if before_blank && after_blank {
        let newline = match &bytes[line_end..] {
            [b'\r', b'\n', ..] => 2,
            [b'\n' | b'\r', ..] => 1,
            [] => 0,
            _ => 0,
        };
        return Span::new(line_start as u32, (line_end + newline) as u32);
    }
    if after_blank {
        let blanks = bytes[line_start..start].iter().rev().take_while(|b| is_blank(b)).count();
        return Span::new((start - blanks) as u32, line_end as u32);
    }
    let blanks = bytes[end..line_end].iter().take_while(|b| is_blank(b)).count();
    Span::new(comment.start, (end + blanks) as u32)
}

fn pseudo(
    rule: &'static str,
    severity: Severity,
    span: Span,
    message: String,
    help: String,
    fixes: Vec<Fix>,
) -> Diagnostic {
    let label = if rule == UNUSED_DIRECTIVE_RULE { "suppresses nothing" } else { "not applied" }.to_string();
    Diagnostic { rule, severity, message, span, label, related: Vec::new(), help, fixes, subject: None }
}

#[cfg(test)]
mod tests;
