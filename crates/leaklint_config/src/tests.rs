use std::fs;

use super::*;

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn rule_ids(config: &ResolvedConfig) -> Vec<(&'static str, Severity)> {
    config.rules.iter().map(|a| (a.rule.meta().id, a.severity)).collect()
}

fn parse_err(text: &str) -> ConfigError {
    ResolvedConfig::from_text(Path::new("/p/.leaklintrc.json"), text).unwrap_err()
}

#[test]
fn defaults_run_every_rule_at_its_default_severity() {
    let config = ResolvedConfig::default();
    assert_eq!(config.path, None);
    assert_eq!(config.rules.len(), leaklint_rules::all_rules().len());
    for active in &config.rules {
        assert_eq!(active.severity, active.rule.meta().default_severity);
    }
    assert!(!config.is_ignored(Path::new("/anything.js")));
}

#[test]
fn jsonc_with_every_key_maps_onto_options_and_rules() {
    let text = r#"{
        // comments and trailing commas are fine
        "$schema": "./docs/leaklintrc.schema.json",
        "rules": { "no-listener-leak": "off", "no-unbounded-collection": "warn", },
        /* block comment */
        "longLivedEmitters": ["bus", "app.events"],
        "requestRegistrars": ["registerHandler"],
        "perCallFactories": [{ "package": "ajv", "export": "default", "why": "compiles schemas" }],
        "ignorePatterns": ["dist/"],
    }"#;
    let config = ResolvedConfig::from_text(Path::new("/p/.leaklintrc.json"), text).unwrap();
    assert_eq!(config.path.as_deref(), Some(Path::new("/p/.leaklintrc.json")));
    let ids = rule_ids(&config);
    assert!(!ids.iter().any(|(id, _)| *id == "no-listener-leak"), "{ids:?}");
    assert!(ids.contains(&("no-unbounded-collection", Severity::Warning)), "{ids:?}");
    assert_eq!(ids.len(), leaklint_rules::all_rules().len() - 1);
    assert_eq!(config.options.long_lived_emitters, ["bus", "app.events"]);
    assert_eq!(config.options.request_registrars, ["registerHandler"]);
    assert_eq!(
        config.options.per_call_factories,
        [FactorySpec { package: "ajv".into(), export: "default".into(), why: "compiles schemas".into() }]
    );
}

use leaklint_core::FactorySpec;

#[test]
fn unknown_rule_names_the_key_path() {
    let err = parse_err(r#"{ "rules": { "no-listener-leaks": "error" } }"#);
    assert_eq!(err.key_path(), Some("rules.no-listener-leaks"));
    assert!(err.message().starts_with("unknown rule, expected one of "), "{err}");
    assert!(err.message().contains("no-listener-leak"), "{err}");
    assert!(err.to_string().starts_with("/p/.leaklintrc.json: rules.no-listener-leaks: unknown rule"), "{err}");
}

#[test]
fn bad_severity_names_the_key_path_and_the_choices() {
    let err = parse_err(r#"{ "rules": { "no-listener-leak": "on" } }"#);
    assert_eq!(err.key_path(), Some("rules.no-listener-leak"));
    assert!(err.message().contains("expected one of `off`, `warn`, `error`"), "{err}");
}

#[test]
fn unknown_key_is_rejected_with_its_path() {
    let err = parse_err(r#"{ "rule": {} }"#);
    assert_eq!(err.key_path(), Some("rule"));
    assert!(err.message().contains("unknown field `rule`"), "{err}");
    let err = parse_err(r#"{ "perCallFactories": [{ "package": "a", "export": "b", "why": "c", "x": 1 }] }"#);
    assert_eq!(err.key_path(), Some("perCallFactories[0].x"), "{err}");
}

#[test]
fn wrong_types_and_missing_fields_are_reported() {
    let err = parse_err(r#"{ "longLivedEmitters": "bus" }"#);
    assert_eq!(err.key_path(), Some("longLivedEmitters"));
    assert!(err.message().contains("expected a sequence"), "{err}");
    let err = parse_err(r#"{ "perCallFactories": [{ "package": "a", "export": "b" }] }"#);
    assert_eq!(err.key_path(), Some("perCallFactories[0]"), "{err}");
    assert!(err.message().contains("missing field `why`"), "{err}");
    let err = parse_err(r#"{ "requestRegistrars": ["ok", " "] }"#);
    assert_eq!(err.key_path(), Some("requestRegistrars[1]"), "{err}");
}

#[test]
fn syntax_errors_and_non_objects_have_no_key_path() {
    let err = parse_err("{ \"rules\": { ");
    assert_eq!(err.key_path(), None);
    assert!(err.message().starts_with("invalid JSON: "), "{err}");
    assert!(parse_err("").message().contains("empty file"));
    assert_eq!(parse_err("[]").message(), "expected a JSON object, found an array");
    // Strict JSON apart from comments and trailing commas.
    assert!(parse_err("{ rules: {} }").message().starts_with("invalid JSON"));
}

#[test]
fn ignore_patterns_are_relative_to_the_config_directory() {
    let text = r#"{ "ignorePatterns": ["dist/", "*.gen.js", "!keep.gen.js", "/top.js"] }"#;
    let config = ResolvedConfig::from_text(Path::new("/p/.leaklintrc.json"), text).unwrap();
    assert!(config.is_ignored(Path::new("/p/dist/a.js")));
    assert!(config.is_ignored(Path::new("/p/src/dist/deep/a.js")));
    assert!(config.is_ignored(Path::new("/p/src/x.gen.js")));
    assert!(!config.is_ignored(Path::new("/p/src/keep.gen.js")));
    assert!(config.is_ignored(Path::new("/p/top.js")));
    assert!(!config.is_ignored(Path::new("/p/src/top.js")));
    assert!(!config.is_ignored(Path::new("/p/src/a.js")));
    // Outside the config's directory nothing is ignored.
    assert!(!config.is_ignored(Path::new("/q/dist/a.js")));
    assert!(config.is_ignored(Path::new("/p/src/../dist/a.js")));
}

#[test]
fn nearest_config_wins_and_results_are_cached_until_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let top = write(root, ".leaklintrc.json", r#"{ "rules": { "no-listener-leak": "off" } }"#);
    let inner = write(root, "a/b/.leaklintrc.json", r#"{ "rules": { "no-listener-leak": "warn" } }"#);
    let resolver = ConfigResolver::new(None).unwrap();

    let deep = resolver.for_file(&root.join("a/b/c/file.js")).unwrap();
    assert_eq!(deep.path.as_deref(), Some(inner.as_path()));
    assert!(rule_ids(&deep).contains(&("no-listener-leak", Severity::Warning)));
    let shallow = resolver.for_file(&root.join("a/file.js")).unwrap();
    assert_eq!(shallow.path.as_deref(), Some(top.as_path()));
    assert!(Arc::ptr_eq(&shallow, &resolver.for_file(&root.join("file.js")).unwrap()));

    // Until the cache is cleared, a changed or new file is not seen.
    write(root, "a/.leaklintrc.json", "{}");
    assert_eq!(resolver.for_file(&root.join("a/file.js")).unwrap().path.as_deref(), Some(top.as_path()));
    resolver.clear_cache();
    assert_eq!(resolver.for_file(&root.join("a/file.js")).unwrap().path, Some(root.join("a/.leaklintrc.json")));
}

#[test]
fn a_broken_nearest_config_is_an_error_for_its_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "bad/.leaklintrc.json", r#"{ "rules": { "nope": "off" } }"#);
    let resolver = ConfigResolver::new(None).unwrap();
    let err = resolver.for_file(&root.join("bad/x.js")).unwrap_err();
    assert_eq!(err.file(), root.join("bad/.leaklintrc.json"));
    assert_eq!(err.key_path(), Some("rules.nope"));
    assert!(resolver.for_file(&root.join("good/x.js")).is_ok());
}

#[test]
fn explicit_config_applies_everywhere_and_fails_early() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let named = write(root, "conf/custom.json", r#"{ "rules": { "no-listener-leak": "error" } }"#);
    write(root, "src/.leaklintrc.json", r#"{ "rules": { "no-listener-leak": "off" } }"#);
    let resolver = ConfigResolver::new(Some(&named)).unwrap();
    let config = resolver.for_file(&root.join("src/a.js")).unwrap();
    assert_eq!(config.path.as_deref(), Some(named.as_path()));
    assert!(rule_ids(&config).contains(&("no-listener-leak", Severity::Error)));

    let err = ConfigResolver::new(Some(&root.join("missing.json"))).err().unwrap();
    assert!(err.message().starts_with("cannot read the configuration file"), "{err}");
}

#[test]
fn resolver_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ConfigResolver>();
    assert_send_sync::<ResolvedConfig>();
}

#[test]
fn checked_in_schema_matches_the_types() {
    // Regenerate with: UPDATE_SCHEMA=1 cargo test -p leaklint_config
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/leaklintrc.schema.json");
    let generated = json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        fs::write(&path, &generated).unwrap();
    }
    let checked_in = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/leaklintrc.schema.json is out of date; run `UPDATE_SCHEMA=1 cargo test -p leaklint_config`"
    );
}

#[test]
fn a_byte_order_mark_before_the_json_is_accepted() {
    let config = ResolvedConfig::from_text(
        Path::new("/p/.leaklintrc.json"),
        "\u{feff}{ \"rules\": { \"no-listener-leak\": \"off\" } }",
    )
    .unwrap();
    assert!(!rule_ids(&config).iter().any(|(id, _)| *id == "no-listener-leak"));
}

#[cfg(unix)]
#[test]
fn only_regular_files_of_bounded_size_are_read_as_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let err = ResolvedConfig::load(&fifo).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let err = ResolvedConfig::load(Path::new("/dev/zero")).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let big = write(dir.path(), "big.json", &format!("{{ \"ignorePatterns\": [\"{}\"] }}", "a".repeat(2 << 20)));
    let err = ResolvedConfig::load(&big).unwrap_err();
    assert!(err.to_string().contains("larger than 262144 bytes"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_dangling_configuration_link_is_an_error_not_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.js", "x;\n");
    std::os::unix::fs::symlink(dir.path().join("gone.json"), dir.path().join(CONFIG_FILE_NAME)).unwrap();
    let resolver = ConfigResolver::new(None).unwrap();
    let err = resolver.for_file(&dir.path().join("src/a.js")).unwrap_err();
    assert!(err.to_string().contains("cannot read the configuration file: broken symbolic link (target "), "{err}");
}
