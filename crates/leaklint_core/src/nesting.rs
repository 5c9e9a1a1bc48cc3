//! A cheap upper bound on how deeply a file's code nests, checked before
//! parsing. oxc's parser, its semantic pass and the lowering recurse once per
//! level of nesting, so code nested deeper than the thread's stack has room
//! for would overflow it and abort the whole process. Such a file gets an
//! error of its own ("nesting too deep") and the other files are still checked.
//!
//! The bound is taken on tokens, without parsing. At each point it adds up,
//! over the brackets open there, one for the bracket and one for each token
//! since the last place where an expression or statement must have ended that
//! can add a level without a bracket: an operator, `.`, a keyword (`new`,
//! `else`, `return`), a closed bracket (a call, an index). Places where one
//! ends: `;` (unless `else` follows), two operands in a row (`a()` `b`, what
//! automatic semicolon insertion splits), and `,` (back to what the statement
//! opened with: `if (a) x, y; else …` still nests). Chains that parse without
//! recursion (`1 + 1 + …`, `a.b.c…`) still count, as the later passes recurse
//! on them. Deep JSX with text between the tags is not counted in full.

use crate::SyntaxError;

/// Stack the CLI's and the language server's analysis threads get: room for
/// what Node accepts (it stops near 1,000 nested functions or 2,000 nested
/// parentheses, and takes a sum of a million terms) with a wide margin. Only
/// the pages a file touches are ever committed.
pub const ANALYSIS_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Stack used per level counted here: 1.75 KiB as measured on the deepest shape
/// (nested template literals; then parentheses and arrays) through parse,
/// semantic, lowering and rules in a release build, twice that for a margin.
/// Unoptimised builds use several times more.
const STACK_BYTES_PER_LEVEL: usize = if cfg!(debug_assertions) { 4 * 3584 } else { 3584 };

/// Stack assumed when the platform cannot tell how much is left.
const ASSUMED_STACK_BYTES: usize = 1024 * 1024;

/// The deepest nesting this thread's stack has room for.
pub(crate) fn max_depth_here() -> usize {
    let remaining = stacker::remaining_stack().unwrap_or(ASSUMED_STACK_BYTES);
    remaining / STACK_BYTES_PER_LEVEL
}

/// `Err` at the first token where the bound passes `max_depth`.
pub(crate) fn check(source: &str, max_depth: usize) -> Result<(), SyntaxError> {
    // Every level counted is at least one token of at least one byte: a file no longer than the
    // limit cannot pass it, and most files are (75 KB on the analysis threads' stacks).
    if source.len() <= max_depth {
        return Ok(());
    }
    match Scanner::new(source, max_depth).run() {
        None => Ok(()),
        Some(offset) => Err(SyntaxError {
            message: format!(
                "nesting too deep: more than {max_depth} levels of nested code here, which leaklint cannot follow"
            ),
            offset: Some(offset as u32),
            kind: crate::SyntaxErrorKind::TooDeep,
        }),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bracket {
    Paren,
    /// The parenthesised head of `if`, `for`, `while`, `with`, `switch`, `catch`: a statement follows, not an operator.
    ControlParen,
    Square,
    Brace,
    /// `${` in a template literal; the template's text goes on after its `}`.
    TemplateExpr,
}

struct Level {
    bracket: Bracket,
    /// Tokens counted since the last place a statement or expression ended.
    run: usize,
    /// What `run` was after the last token that heads a statement (`if (…)`, `else`, `return`, `var`): a `,` goes back to it.
    statement_head: usize,
}

/// What the last significant token was, for `/` (regex or division) and for where statements end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of input, an operator, an opening bracket or a keyword: an operand may follow.
    Operator,
    /// An identifier, literal or closing bracket: an operator may follow.
    Operand,
    /// `)` closing a control head: a statement follows.
    ControlHead,
}

struct Scanner<'s> {
    bytes: &'s [u8],
    pos: usize,
    levels: Vec<Level>,
    /// Sum over `levels` of one plus `run`: the bound at this point.
    depth: usize,
    max_depth: usize,
    /// The largest `depth` seen.
    deepest: usize,
    last: Last,
    /// The last token was `;`: the run ends unless `else` comes next.
    after_semicolon: bool,
    /// The last token was one of these keywords (for telling control heads from calls).
    last_keyword: Option<&'static str>,
}

/// Keywords after which an operand (or a statement) comes, and which may add a level.
const KEYWORDS: &[&str] = &[
    "new",
    "typeof",
    "void",
    "delete",
    "await",
    "yield",
    "return",
    "throw",
    "if",
    "else",
    "for",
    "while",
    "do",
    "with",
    "function",
    "class",
    "case",
    "default",
    "extends",
    "export",
    "import",
    "var",
    "let",
    "const",
    "in",
    "instanceof",
    "of",
    "as",
    "satisfies",
    "keyof",
    "switch",
    "try",
    "catch",
    "finally",
    "implements",
    "is",
];

/// Keywords that continue what came before them rather than start a statement.
const CONTINUING: &[&str] =
    &["else", "in", "instanceof", "of", "as", "satisfies", "catch", "finally", "extends", "implements", "is"];

/// Keywords that head a statement: the statement's parts nest under them.
const STATEMENT_HEADS: &[&str] = &[
    "if", "else", "for", "while", "do", "with", "return", "throw", "var", "let", "const", "case", "default", "export",
];

/// Keywords whose parenthesised part is a control head.
const CONTROL: &[&str] = &["if", "for", "while", "with", "switch", "catch"];

/// Operators of more than one character, longest first: each counts once.
const OPERATORS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&",
    "||", "??", "?.", "**", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>",
];

impl<'s> Scanner<'s> {
    fn new(source: &'s str, max_depth: usize) -> Self {
        Scanner {
            bytes: source.as_bytes(),
            pos: 0,
            levels: vec![Level { bracket: Bracket::Brace, run: 0, statement_head: 0 }],
            depth: 1,
            max_depth,
            deepest: 1,
            last: Last::Operator,
            after_semicolon: false,
            last_keyword: None,
        }
    }

    /// The offset where the bound first passes the limit, if it does.
    fn run(&mut self) -> Option<usize> {
        if self.bytes.starts_with(b"#!") {
            self.skip_line();
        }
        while let Some(&byte) = self.bytes.get(self.pos) {
            let start = self.pos;
            let over = match byte {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    self.pos += 1;
                    false
                }
                b'/' if self.peek(1) == Some(b'/') => {
                    self.skip_line();
                    false
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    self.skip_block_comment();
                    false
                }
                b'/' if self.last != Last::Operand => {
                    self.boundary(true, false);
                    self.skip_regex();
                    self.operand()
                }
                b'\'' | b'"' => {
                    self.boundary(true, false);
                    self.skip_string(byte);
                    self.operand()
                }
                b'`' => {
                    let tagged = self.last == Last::Operand;
                    self.boundary(false, false);
                    self.pos += 1;
                    self.template_text(tagged)
                }
                b'0'..=b'9' => {
                    self.boundary(true, false);
                    self.skip_number();
                    self.operand()
                }
                b'.' if self.peek(1).is_some_and(|b| b.is_ascii_digit()) => {
                    self.boundary(true, false);
                    self.skip_number();
                    self.operand()
                }
                b'(' | b'[' | b'{' => {
                    self.boundary(false, false);
                    self.pos += 1;
                    self.open(byte)
                }
                b')' | b']' | b'}' => {
                    self.pos += 1;
                    self.close(byte)
                }
                b',' => {
                    self.pos += 1;
                    self.comma();
                    false
                }
                b';' => {
                    self.pos += 1;
                    self.after_semicolon = true;
                    self.last = Last::Operator;
                    self.last_keyword = None;
                    false
                }
                b if is_word_byte(b) || b == b'#' || b == b'@' => {
                    self.pos += 1;
                    self.skip_word();
                    self.word(start)
                }
                _ => {
                    self.boundary(false, false);
                    self.operator()
                }
            };
            if over {
                return Some(start);
            }
        }
        None
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn top(&mut self) -> &mut Level {
        self.levels.last_mut().expect("the outermost level is never closed")
    }

    /// Count one token that may add a level; whether the bound passed the limit.
    fn count(&mut self) -> bool {
        self.top().run += 1;
        self.deeper()
    }

    fn deeper(&mut self) -> bool {
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        self.depth > self.max_depth
    }

    /// End the run of the innermost level: what follows is a new statement or expression.
    fn end_run(&mut self, keep: usize) {
        let level = self.top();
        let dropped = level.run - keep.min(level.run);
        level.run -= dropped;
        level.statement_head = level.statement_head.min(level.run);
        self.depth -= dropped;
    }

    /// End the run where a statement or expression must have ended before
    /// this token: after `;` (unless it is `else`), or between two operands.
    fn boundary(&mut self, starts_operand: bool, is_else: bool) {
        let after_semicolon = std::mem::take(&mut self.after_semicolon);
        if (after_semicolon && !is_else) || (starts_operand && self.last == Last::Operand) {
            self.end_run(0);
        }
    }

    fn operand(&mut self) -> bool {
        self.last = Last::Operand;
        self.last_keyword = None;
        false
    }

    fn word(&mut self, start: usize) -> bool {
        let word = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("");
        let Some(keyword) = KEYWORDS.iter().copied().find(|k| *k == word) else {
            self.boundary(true, false);
            return self.operand();
        };
        self.boundary(!CONTINUING.contains(&keyword), keyword == "else");
        self.last = Last::Operator;
        self.last_keyword = Some(keyword);
        let over = self.count();
        if STATEMENT_HEADS.contains(&keyword) {
            let level = self.top();
            level.statement_head = level.run;
        }
        over
    }

    fn operator(&mut self) -> bool {
        let rest = &self.bytes[self.pos..];
        let len = OPERATORS.iter().find(|op| rest.starts_with(op.as_bytes())).map_or(1, |op| op.len());
        let postfix = self.last == Last::Operand && (rest.starts_with(b"++") || rest.starts_with(b"--"));
        self.pos += len;
        self.last = if postfix { Last::Operand } else { Last::Operator };
        self.last_keyword = None;
        self.count()
    }

    fn comma(&mut self) {
        let keep = self.top().statement_head;
        self.end_run(keep);
        self.last = Last::Operator;
        self.last_keyword = None;
    }

    fn open(&mut self, byte: u8) -> bool {
        let bracket = match byte {
            b'(' if self.last == Last::Operator && self.last_keyword.is_some_and(|k| CONTROL.contains(&k)) => {
                Bracket::ControlParen
            }
            b'(' => Bracket::Paren,
            b'[' => Bracket::Square,
            _ => Bracket::Brace,
        };
        self.push(bracket)
    }

    fn push(&mut self, bracket: Bracket) -> bool {
        self.levels.push(Level { bracket, run: 0, statement_head: 0 });
        self.last = Last::Operator;
        self.last_keyword = None;
        self.after_semicolon = false;
        self.deeper()
    }

    /// Close the innermost matching bracket (and any left open inside it by
    /// a misread token); a closer with no match is ignored.
    fn close(&mut self, byte: u8) -> bool {
        let matches = |bracket: Bracket| match byte {
            b')' => matches!(bracket, Bracket::Paren | Bracket::ControlParen),
            b']' => bracket == Bracket::Square,
            _ => matches!(bracket, Bracket::Brace | Bracket::TemplateExpr),
        };
        let Some(at) = self.levels.iter().rposition(|l| matches(l.bracket)).filter(|&at| at > 0) else {
            return false;
        };
        let mut closed = Bracket::Brace;
        while self.levels.len() > at {
            let level = self.levels.pop().expect("at least one level above `at`");
            self.depth -= 1 + level.run;
            closed = level.bracket;
        }
        self.after_semicolon = false;
        self.last_keyword = None;
        match closed {
            Bracket::TemplateExpr => self.template_text(false),
            Bracket::ControlParen => {
                self.last = Last::ControlHead;
                let over = self.count();
                let level = self.top();
                level.statement_head = level.run;
                over
            }
            _ => {
                self.last = Last::Operand;
                self.count()
            }
        }
    }

    /// Template text up to its end (an operand) or to a `${` (a new level).
    fn template_text(&mut self, tagged: bool) -> bool {
        let over = tagged && self.count();
        while let Some(&byte) = self.bytes.get(self.pos) {
            self.pos += 1;
            match byte {
                b'\\' => self.pos += 1,
                b'`' => {
                    self.last = Last::Operand;
                    return over;
                }
                b'$' if self.peek(0) == Some(b'{') => {
                    self.pos += 1;
                    return self.push(Bracket::TemplateExpr) || over;
                }
                _ => {}
            }
        }
        over
    }

    fn skip_word(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|&b| is_word_byte(b)) {
            self.pos += 1;
        }
    }

    /// A number, with its fraction, exponent and suffix (`1.5e3`, `0x1fn`).
    fn skip_number(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|&b| is_word_byte(b) || b == b'.') {
            self.pos += 1;
        }
    }

    fn skip_line(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|&b| b != b'\n') {
            self.pos += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        self.pos += 2;
        while self.pos < self.bytes.len() && !self.bytes[self.pos..].starts_with(b"*/") {
            self.pos += 1;
        }
        self.pos = (self.pos + 2).min(self.bytes.len());
    }

    /// A string ends at its quote or, unterminated, at the end of the line.
    fn skip_string(&mut self, quote: u8) {
        self.pos += 1;
        while let Some(&byte) = self.bytes.get(self.pos) {
            self.pos += 1;
            match byte {
                b'\\' => self.pos += 1,
                b'\n' => return,
                _ if byte == quote => return,
                _ => {}
            }
        }
    }

    /// A regular expression with its flags; a misread one ends at the line's end.
    fn skip_regex(&mut self) {
        self.pos += 1;
        let mut in_class = false;
        while let Some(&byte) = self.bytes.get(self.pos) {
            self.pos += 1;
            match byte {
                b'\\' => self.pos += 1,
                b'\n' => return,
                b'[' => in_class = true,
                b']' => in_class = false,
                b'/' if !in_class => break,
                _ => {}
            }
        }
        self.skip_word();
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte == b'\\' || byte >= 0x80
}

/// The bound for all of `source`.
#[cfg(test)]
fn bound(source: &str) -> usize {
    let mut scanner = Scanner::new(source, usize::MAX);
    scanner.run();
    scanner.deepest
}

#[cfg(test)]
mod tests;
