//! The `.leaklintrc.json` format: its Rust types (from which the JSON Schema
//! is generated), parsing with key paths in errors, and validation.

use std::collections::BTreeMap;
use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use leaklint_core::{ActiveRule, FactorySpec, Options, Severity};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::ConfigError;

/// A `.leaklintrc.json` file. JSON with comments (`//`, `/* */`) and trailing commas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "leaklint configuration (.leaklintrc.json)")]
pub struct ConfigFile {
    /// The JSON Schema this file follows, for editors; leaklint ignores it.
    #[serde(default, rename = "$schema")]
    pub schema: Option<String>,
    /// Rule severities by rule id (`leaklint rules` lists them). Rules not named
    /// here run at their default severity.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Extra long-lived emitters, as access paths (`bus`, `app.events`): listeners
    /// added to them per request or per instance are reported.
    #[serde(default)]
    pub long_lived_emitters: Vec<String>,
    /// Extra functions or methods whose callback argument runs once per request
    /// (`registerHandler`, `router.route`), for in-house frameworks.
    #[serde(default)]
    pub request_registrars: Vec<String>,
    /// Extra factories whose result must be built once, not per call.
    #[serde(default)]
    pub per_call_factories: Vec<FactoryConfig>,
    /// Files and directories not to check, as .gitignore patterns relative to
    /// this file's directory (`dist/`, `**/*.generated.js`, `!keep.js`).
    #[serde(default)]
    pub ignore_patterns: Vec<String>,
}

/// How a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Do not run the rule.
    Off,
    /// Report findings as warnings (exit status 0 unless `--max-warnings` is exceeded).
    Warn,
    /// Report findings as errors (exit status 1).
    Error,
}

/// A factory whose result is meant to be created once (`new Ajv()`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactoryConfig {
    /// npm package the export comes from (`ajv`).
    pub package: String,
    /// Export name; `default` for the default export. A `new` call and a plain call both count.
    pub export: String,
    /// Why building it per call hurts; quoted in the finding.
    pub why: String,
}

/// The JSON Schema of `.leaklintrc.json`, pretty-printed with a final newline
/// (what `docs/leaklintrc.schema.json` holds).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ConfigFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON Schema serialises");
    text.push('\n');
    text
}

impl ConfigFile {
    /// Parse and validate `text`, read from `path` (named in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let options = jsonc_parser::ParseOptions {
            allow_comments: true,
            allow_trailing_commas: true,
            // Everything else stays plain JSON, so any JSON tool reads the file too.
            allow_loose_object_property_names: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        let value: serde_json::Value = jsonc_parser::parse_to_serde_value(text, &options)
            .map_err(|err| ConfigError::new(path, None, format!("invalid JSON: {err}")))?;
        // serde would also take an array as a struct; a configuration is an object.
        let found = match &value {
            serde_json::Value::Object(_) => None,
            serde_json::Value::Null if text.trim().is_empty() => Some("an empty file"),
            serde_json::Value::Null => Some("null"),
            serde_json::Value::Array(_) => Some("an array"),
            serde_json::Value::String(_) => Some("a string"),
            serde_json::Value::Number(_) => Some("a number"),
            serde_json::Value::Bool(_) => Some("a boolean"),
        };
        if let Some(found) = found {
            return Err(ConfigError::new(path, None, format!("expected a JSON object, found {found}")));
        }
        let file: ConfigFile = serde_path_to_error::deserialize(value).map_err(|err| {
            let key_path = err.path().to_string();
            // serde_path_to_error writes `.` for the top level.
            let key_path = (key_path != ".").then_some(key_path);
            ConfigError::new(path, key_path, expected_message(err.inner()))
        })?;
        file.validate(path)?;
        Ok(file)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        for id in self.rules.keys() {
            if leaklint_rules::find_rule(id).is_none() {
                let known: Vec<&str> = leaklint_rules::all_rules().iter().map(|r| r.meta().id).collect();
                return Err(ConfigError::new(
                    path,
                    Some(format!("rules.{id}")),
                    format!("unknown rule, expected one of {} (see `leaklint rules`)", known.join(", ")),
                ));
            }
        }
        let lists = [
            ("longLivedEmitters", &self.long_lived_emitters, "an access path such as `bus` or `app.events`"),
            ("requestRegistrars", &self.request_registrars, "a function or method name such as `registerHandler`"),
            ("ignorePatterns", &self.ignore_patterns, "a .gitignore pattern such as `dist/`"),
        ];
        for (key, items, what) in lists {
            if let Some(i) = items.iter().position(|item| item.trim().is_empty()) {
                return Err(ConfigError::new(
                    path,
                    Some(format!("{key}[{i}]")),
                    format!("expected {what}, found \"\""),
                ));
            }
        }
        for (i, factory) in self.per_call_factories.iter().enumerate() {
            for (field, value) in [("package", &factory.package), ("export", &factory.export)] {
                if value.trim().is_empty() {
                    return Err(ConfigError::new(
                        path,
                        Some(format!("perCallFactories[{i}].{field}")),
                        "expected a non-empty string".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every rule at its default severity, then the `rules` settings on top; in id order.
    pub fn active_rules(&self) -> Vec<ActiveRule<'static>> {
        leaklint_rules::all_rules()
            .into_iter()
            .filter_map(|rule| {
                let severity = match self.rules.get(rule.meta().id) {
                    None => rule.meta().default_severity,
                    Some(RuleLevel::Off) => return None,
                    Some(RuleLevel::Warn) => Severity::Warning,
                    Some(RuleLevel::Error) => Severity::Error,
                };
                Some(ActiveRule { rule, severity })
            })
            .collect()
    }

    /// The project options for the core.
    pub fn options(&self) -> Options {
        Options {
            long_lived_emitters: self.long_lived_emitters.clone(),
            request_registrars: self.request_registrars.clone(),
            per_call_factories: self
                .per_call_factories
                .iter()
                .map(|f| FactorySpec { package: f.package.clone(), export: f.export.clone(), why: f.why.clone() })
                .collect(),
            known_rules: known_rule_ids(),
            ..Options::default()
        }
    }

    /// `ignorePatterns` as a matcher rooted at `root` (the file's directory).
    pub(crate) fn ignore_matcher(&self, path: &Path, root: &Path) -> Result<Option<Gitignore>, ConfigError> {
        if self.ignore_patterns.is_empty() {
            return Ok(None);
        }
        let mut builder = GitignoreBuilder::new(root);
        for (i, pattern) in self.ignore_patterns.iter().enumerate() {
            builder.add_line(None, pattern).map_err(|err| {
                ConfigError::new(path, Some(format!("ignorePatterns[{i}]")), format!("invalid pattern: {err}"))
            })?;
        }
        let matcher = builder
            .build()
            .map_err(|err| ConfigError::new(path, Some("ignorePatterns".into()), format!("invalid patterns: {err}")))?;
        Ok(Some(matcher))
    }
}

/// serde's message, which already says what was found and expected
/// ("unknown variant `of`, expected one of `off`, `warn`, `error`").
fn expected_message(err: &serde_json::Error) -> String {
    err.to_string()
}

/// Every rule id, on or off: suppression comments may name any of them.
pub(crate) fn known_rule_ids() -> Vec<&'static str> {
    leaklint_rules::all_rules().iter().map(|rule| rule.meta().id).collect()
}
