use super::*;

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Code that nests `n` levels deep, one shape of nesting each.
fn deep_shapes(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("parentheses", format!("x = {};", nested("(", "1", ")", n))),
        ("sum", format!("x = {};", vec!["1"; n].join(" + "))),
        ("closures", format!("module.exports = {};", nested("function(){ return ", "1", "; }", n))),
        ("arrows", format!("module.exports = {}1;", "() => ".repeat(n))),
        ("blocks", nested("{", "", "}", n)),
        ("else if", format!("if (a) {{}}{}", (0..n).map(|i| format!(" else if (a === {i}) {{}}")).collect::<String>())),
        ("braceless else if", format!("if (a) x(); {}", "else if (b) x(), y(); ".repeat(n))),
        ("conditionals", format!("x = {}0;", "a ? 1 : ".repeat(n))),
        ("members", format!("x = a{};", ".b1".repeat(n))),
        ("calls", format!("x = a{};", "()".repeat(n))),
        ("unary", format!("x = {}a;", "!".repeat(n))),
        ("arrays", format!("x = {};", nested("[", "", "]", n))),
        ("objects", format!("x = {};", nested("{a: ", "1", "}", n))),
        ("templates", format!("x = {};", nested("`${", "1", "}`", n))),
        ("tagged templates", format!("x = a{};", "`t`".repeat(n))),
        ("braceless ifs", format!("{}x();", "if (a) ".repeat(n))),
        ("new", format!("x = {}A;", "new ".repeat(n))),
        ("assignments", format!("x = {}1;", "a = ".repeat(n))),
        ("function declarations", nested("function f(){ ", "", "}", n)),
        ("classes", format!("x = {};", nested("class { m() { return ", "1", "} }", n))),
        ("declarations", nested("var a = function(){ ", "", "};", n)),
    ]
}

#[test]
fn every_shape_of_nesting_counts_at_least_one_per_level() {
    let n = 1000;
    for (shape, source) in deep_shapes(n) {
        assert!(bound(&source) >= n, "{shape}: bound {} for {n} levels", bound(&source));
    }
}

#[test]
fn code_that_only_grows_longer_stays_shallow() {
    let n = 5000;
    let long: Vec<(&str, String)> = vec![
        ("statements", "x.y(1, 2) + z;\n".repeat(n)),
        ("statements without semicolons", "const a = b.c(d)\nlet e = f.g\nh()\n".repeat(n)),
        ("object literal", format!("x = {{{}}};", (0..n).map(|i| format!("a{i}: !0, ")).collect::<String>())),
        ("array literal", format!("x = [{}];", "-1, a.b, ".repeat(n))),
        ("minified functions", "function a(b){return b+1}".repeat(n)),
        ("minified expressions", "!function(){}();".repeat(n)),
        ("class body", format!("class A {{ {} }}", "m() { return this.x }\n".repeat(n))),
        ("separate if statements", "if (a) { b() } else { c() }\n".repeat(n)),
        ("switch", format!("switch (a) {{ {} }}", "case 1: x = 2; break;\n".repeat(n))),
        ("module map", format!("x = {{{}}};", "1: function(e, t, n) { n(1) },".repeat(n))),
    ];
    for (shape, source) in long {
        assert!(bound(&source) < 20, "{shape}: bound {}", bound(&source));
    }
}

#[test]
fn brackets_in_strings_comments_regexes_and_template_text_do_not_nest() {
    let n = 1000;
    let open = "(".repeat(n);
    for source in [
        format!("x = '{open}';"),
        format!("x = \"{open}\";"),
        format!("// {open}\nx = 1;"),
        format!("/* {open} */ x = 1;"),
        format!("x = /\\({open}[(]/g.test(y);"),
        format!("x = `{open}`;"),
        format!("#!/usr/bin/env node {open}\nx = 1;"),
    ] {
        assert!(bound(&source) < 10, "bound {} for {source:.40}", bound(&source));
    }
}

#[test]
fn too_deep_is_an_error_where_the_limit_is_passed() {
    let source = "let a = 1;\nx = (((((1)))));";
    assert_eq!(check(source, 100), Ok(()));
    let error = check(source, 5).unwrap_err();
    assert_eq!(error.kind, crate::SyntaxErrorKind::TooDeep);
    // The outermost level and `=` make two: the fourth `(` makes six.
    assert_eq!(error.offset, Some(source.find('(').unwrap() as u32 + 3));
    assert!(error.message.starts_with("nesting too deep: more than 5 levels"), "{}", error.message);
}

#[test]
fn a_thread_with_more_stack_takes_deeper_code() {
    let depth_on =
        |stack: usize| std::thread::Builder::new().stack_size(stack).spawn(max_depth_here).unwrap().join().unwrap();
    let small = depth_on(2 << 20);
    let large = depth_on(ANALYSIS_STACK_BYTES);
    assert!(small > 0 && small < (2 << 20) / STACK_BYTES_PER_LEVEL, "{small}");
    assert!(large > 60 * small, "{large} vs {small}");
}
