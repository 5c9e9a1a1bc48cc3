use std::path::Path;

use super::*;
use crate::rule::{Finding, Precision, Rule, RuleContext, RuleMeta};

/// Reports `rule-a` at every `A()` and `rule-b` at every `B()` in the text.
struct Marker(&'static RuleMeta, &'static str);

static RULE_A: RuleMeta = meta("rule-a");
static RULE_B: RuleMeta = meta("rule-b");

const fn meta(id: &'static str) -> RuleMeta {
    RuleMeta { id, default_severity: Severity::Error, summary: "test", docs: "", tags: &[], precision: Precision::High }
}

impl Rule for Marker {
    fn meta(&self) -> &'static RuleMeta {
        self.0
    }
    fn check(&self, ctx: &mut RuleContext<'_>) {
        for (at, _) in ctx.source.match_indices(self.1) {
            let span = Span::new(at as u32, (at + self.1.len()) as u32);
            ctx.report(Finding {
                span,
                message: "m".into(),
                label: String::new(),
                related: Vec::new(),
                help: String::new(),
                fixes: Vec::new(),
                subject: None,
                assumption: None,
            });
        }
    }
}

static A: Marker = Marker(&RULE_A, "A()");
static B: Marker = Marker(&RULE_B, "B()");

fn run_with(source: &str, options: &Options) -> Vec<Diagnostic> {
    let rules =
        [ActiveRule { rule: &A, severity: Severity::Error }, ActiveRule { rule: &B, severity: Severity::Warning }];
    crate::analyze_with(Path::new("t.js"), source, &rules, options).expect("test source parses")
}

/// `(rule, line)` of what is left.
fn run(source: &str) -> Vec<(&'static str, u32)> {
    lines(source, &run_with(source, &Options::default()))
}

fn run_reporting_unused(source: &str) -> Vec<Diagnostic> {
    let options = Options {
        report_unused_disable_directives: Some(Severity::Warning),
        known_rules: vec!["rule-a", "rule-b", "rule-off"],
        ..Options::default()
    };
    run_with(source, &options)
}

fn lines(source: &str, diagnostics: &[Diagnostic]) -> Vec<(&'static str, u32)> {
    let index = LineIndex::new(source);
    diagnostics.iter().map(|d| (d.rule, index.position(source, d.span.start).line)).collect()
}

fn unused_messages(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().filter(|d| d.rule == UNUSED_DIRECTIVE_RULE).map(|d| d.message.as_str()).collect()
}

/// The source after applying the unused-directive fixes (all of them at once).
fn fixed(source: &str) -> String {
    let diagnostics = run_reporting_unused(source);
    let edits: Vec<&Edit> =
        diagnostics.iter().filter(|d| d.rule == UNUSED_DIRECTIVE_RULE).flat_map(|d| &d.fixes[0].edits).collect();
    crate::apply_edits(source, edits).expect("fixes do not overlap")
}

#[test]
fn without_directives_everything_is_reported() {
    assert_eq!(run("A();\nB();\n"), [("rule-a", 1), ("rule-b", 2)]);
}

#[test]
fn disable_next_line_for_all_rules_and_for_listed_rules() {
    assert_eq!(run("// leaklint-disable-next-line\nA(); B();\nA();\n"), [("rule-a", 3)]);
    assert_eq!(run("// leaklint-disable-next-line rule-a\nA(); B();\n"), [("rule-b", 2)]);
    assert_eq!(run("// leaklint-disable-next-line rule-a, rule-b -- known, see #12\nA(); B();\n"), []);
    // Only the next line: not the line of the comment, not two lines down.
    assert_eq!(run("A(); // leaklint-disable-next-line\nB();\nA();\n"), [("rule-a", 1), ("rule-a", 3)]);
}

#[test]
fn disable_line_covers_its_own_line_only() {
    assert_eq!(run("A(); // leaklint-disable-line\nA();\n"), [("rule-a", 2)]);
    assert_eq!(run("A(); B(); // leaklint-disable-line rule-b -- reason\n"), [("rule-a", 1)]);
    // A finding that starts on the line counts even if the comment comes first.
    assert_eq!(run("/* leaklint-disable-line */ A();\n"), []);
}

#[test]
fn block_comment_line_directives() {
    assert_eq!(run("/* leaklint-disable-next-line rule-a */\nA();\n"), []);
    // Counted from the line the comment ends on.
    assert_eq!(run("x; /* leaklint-disable-next-line */ A();\nA();\n"), [("rule-a", 1)]);
}

#[test]
fn line_directive_over_several_lines_is_invalid_and_not_applied() {
    let diagnostics = run_with("/* leaklint-disable-next-line\n rule-a */\nA();\n", &Options::default());
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    assert_eq!(diagnostics[0].rule, INVALID_DIRECTIVE_RULE);
    assert_eq!(diagnostics[0].message, "`leaklint-disable-next-line` comment should not span multiple lines");
    assert_eq!(diagnostics[1].rule, "rule-a");
}

#[test]
fn disable_enable_regions() {
    let src = "A();\n/* leaklint-disable */\nA(); B();\n/* leaklint-enable */\nB();\n";
    assert_eq!(run(src), [("rule-a", 1), ("rule-b", 5)]);
    // Until the end of the file without an enable.
    assert_eq!(run("/* leaklint-disable rule-a */\nA(); B();\nA();\n"), [("rule-b", 2)]);
    // Only findings after the comment on its line.
    assert_eq!(run("A(); /* leaklint-disable */ B();\n"), [("rule-a", 1)]);
}

#[test]
fn enabling_one_rule_inside_a_disable_all() {
    let src = "/* leaklint-disable */\nA(); B();\n/* leaklint-enable rule-a */\nA(); B();\n/* leaklint-disable rule-a */\nA();\n";
    assert_eq!(run(src), [("rule-a", 4)]);
}

#[test]
fn enable_all_ends_rule_specific_disables() {
    let src = "/* leaklint-disable rule-a, rule-b */\nA(); B();\n/* leaklint-enable */\nA(); B();\n";
    assert_eq!(run(src), [("rule-a", 4), ("rule-b", 4)]);
}

#[test]
fn line_comments_cannot_open_regions_and_other_text_is_not_a_directive() {
    assert_eq!(run("// leaklint-disable\nA();\n"), [("rule-a", 2)]);
    assert_eq!(run("// see leaklint-disable-next-line docs\nA();\n"), [("rule-a", 2)]);
    assert_eq!(run("// leaklint-disable-next-lines\nA();\n"), [("rule-a", 2)]);
}

#[test]
fn unknown_rule_ids_are_errors_and_disable_nothing() {
    let src = "// leaklint-disable-next-line rule-x\nA();\n";
    let diagnostics = run_with(src, &Options::default());
    assert_eq!(lines(src, &diagnostics), [(INVALID_DIRECTIVE_RULE, 1), ("rule-a", 2)]);
    assert_eq!(diagnostics[0].message, "Definition for rule `rule-x` was not found");
    assert_eq!(diagnostics[0].span.text(src), "rule-x");
    assert_eq!(diagnostics[0].severity, Severity::Error);
    // A known rule that is off is not unknown.
    let diagnostics = run_reporting_unused("// leaklint-disable-next-line rule-off, rule-a\nA();\n");
    assert!(diagnostics.iter().all(|d| d.rule != INVALID_DIRECTIVE_RULE), "{diagnostics:?}");
}

#[test]
fn unused_directives_are_reported_only_when_asked() {
    let src = "// leaklint-disable-next-line\nx();\n";
    assert_eq!(run(src), []);
    let diagnostics = run_reporting_unused(src);
    assert_eq!(
        unused_messages(&diagnostics),
        ["Unused `leaklint-disable-next-line` directive (no problems were reported)"]
    );
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert!(diagnostics[0].fixes[0].safe);
}

#[test]
fn used_directives_are_not_reported() {
    let src = "// leaklint-disable-next-line rule-a\nA();\n/* leaklint-disable */\nB();\n/* leaklint-enable */\nA(); // leaklint-disable-line\n";
    assert_eq!(unused_messages(&run_reporting_unused(src)), Vec::<&str>::new());
}

#[test]
fn unused_rules_in_a_list_are_reported_one_by_one() {
    let src = "// leaklint-disable-next-line rule-a, rule-b, rule-off\nA();\n";
    let diagnostics = run_reporting_unused(src);
    assert_eq!(
        unused_messages(&diagnostics),
        [
            "Unused `leaklint-disable-next-line` directive (no problems were reported from `rule-b`)",
            "Unused `leaklint-disable-next-line` directive (no problems were reported from `rule-off`)",
        ]
    );
    let src = "// leaklint-disable-next-line rule-b, rule-a\nA();\n";
    assert_eq!(fixed(src), "// leaklint-disable-next-line rule-a\nA();\n");
    // Several unused names around a used one come out in one pass.
    let src = "// leaklint-disable-next-line rule-a, rule-b, rule-off\nA();\n";
    assert_eq!(fixed(src), "// leaklint-disable-next-line rule-a\nA();\n");
    let src = "// leaklint-disable-next-line rule-b, rule-off, rule-a\nA();\n";
    assert_eq!(fixed(src), "// leaklint-disable-next-line rule-a\nA();\n");
    let src = "// leaklint-disable-next-line rule-b,rule-a,rule-off\nA();\n";
    assert_eq!(fixed(src), "// leaklint-disable-next-line rule-a\nA();\n");
    let src = "// leaklint-disable-next-line rule-a, rule-b -- why\nA();\n";
    assert_eq!(fixed(src), "// leaklint-disable-next-line rule-a -- why\nA();\n");
}

#[test]
fn unused_enable_and_redundant_disables_are_reported() {
    let src = "/* leaklint-enable */\nA();\n";
    assert_eq!(
        unused_messages(&run_reporting_unused(src)),
        ["Unused `leaklint-enable` directive (no matching `leaklint-disable` directives were found)"]
    );
    let src = "/* leaklint-disable rule-b */\nA();\n/* leaklint-enable rule-b */\n";
    assert_eq!(
        unused_messages(&run_reporting_unused(src)),
        [
            "Unused `leaklint-disable` directive (no problems were reported from `rule-b`)",
            "Unused `leaklint-enable` directive (no matching `leaklint-disable` directives were found for `rule-b`)"
        ]
    );
    // An enable that ends a used disable is used.
    let src = "/* leaklint-disable rule-a */\nA();\n/* leaklint-enable rule-a */\n";
    assert_eq!(unused_messages(&run_reporting_unused(src)), Vec::<&str>::new());
    // Two directives covering one finding are both used (ESLint marks both).
    let src = "/* leaklint-disable */\nA(); // leaklint-disable-line rule-a\n";
    assert_eq!(unused_messages(&run_reporting_unused(src)), Vec::<&str>::new());
}

#[test]
fn removal_fixes_leave_clean_code() {
    assert_eq!(fixed("x();\n// leaklint-disable-next-line -- old\ny();\n"), "x();\ny();\n");
    assert_eq!(fixed("x(); // leaklint-disable-line rule-a\ny();\n"), "x();\ny();\n");
    assert_eq!(fixed("x(); /* leaklint-disable-line */ y();\r\n"), "x(); y();\r\n");
    assert_eq!(fixed("/* leaklint-disable */\r\nx();\r\n/* leaklint-enable */\r\n"), "x();\r\n");
    assert_eq!(fixed("\tx(); /* leaklint-disable-line */"), "\tx();");
}

#[test]
fn directives_do_not_suppress_directive_problems() {
    let src = "/* leaklint-disable */\n// leaklint-disable-next-line nope\nx();\n";
    let diagnostics = run_with(src, &Options::default());
    assert_eq!(lines(src, &diagnostics), [(INVALID_DIRECTIVE_RULE, 2)]);
}

#[test]
fn description_needs_blanks_around_two_or_more_dashes() {
    assert_eq!(description_start("leaklint-disable a -- b"), Some(18));
    assert_eq!(description_start("leaklint-disable a --- b"), Some(18));
    assert_eq!(description_start("leaklint-disable a-- b"), None);
    assert_eq!(description_start("leaklint-disable a - b"), None);
    assert_eq!(description_start("leaklint-disable --"), None);
}
