//! Whether to colour a stream.

use std::ffi::OsStr;

use crate::args::ColorChoice;

/// `auto` colours a terminal unless `NO_COLOR` is set to something non-empty
/// (https://no-color.org); `always` and `never` win over both.
pub fn use_color(choice: ColorChoice, is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_terminals_only() {
        assert!(use_color(ColorChoice::Auto, true, None));
        assert!(!use_color(ColorChoice::Auto, false, None));
    }

    #[test]
    fn no_color_disables_auto_unless_empty() {
        assert!(!use_color(ColorChoice::Auto, true, Some(OsStr::new("1"))));
        assert!(use_color(ColorChoice::Auto, true, Some(OsStr::new(""))));
    }

    #[test]
    fn always_and_never_ignore_terminal_and_no_color() {
        assert!(use_color(ColorChoice::Always, false, Some(OsStr::new("1"))));
        assert!(!use_color(ColorChoice::Never, true, None));
    }
}
