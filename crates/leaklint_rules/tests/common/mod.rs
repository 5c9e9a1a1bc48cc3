//! Checking sources as one package, as `leaklint check` runs: every rule on at its default
//! severity, under a folder that is not on disk.

use std::path::{Path, PathBuf};

use leaklint_core::{ActiveRule, Diagnostic, Options, PackageRoot, SourceFile, check_package};
use leaklint_rules::all_rules;

/// Check `files` (name, source) as one package; each finding with the name of its file.
pub fn check(files: &[(&str, &str)]) -> Vec<(String, Diagnostic)> {
    let root = Path::new("/virtual-package");
    let paths: Vec<PathBuf> = files.iter().map(|(name, _)| root.join(name)).collect();
    let options = Options::default();
    let inputs: Vec<SourceFile<'_>> =
        paths.iter().zip(files).map(|(path, (_, source))| SourceFile { path, source, options: &options }).collect();
    let active: Vec<ActiveRule<'_>> =
        all_rules().into_iter().map(|rule| ActiveRule { rule, severity: rule.meta().default_severity }).collect();
    let rules: Vec<&[ActiveRule<'_>]> = files.iter().map(|_| active.as_slice()).collect();
    let results = check_package(&inputs, &PackageRoot::default(), &rules);
    files
        .iter()
        .zip(results)
        .flat_map(|((name, _), result)| {
            result
                .unwrap_or_else(|e| panic!("{name} does not parse: {}", e.message))
                .into_iter()
                .map(|d| (name.to_string(), d))
        })
        .collect()
}
