//! `stackgap schema`: it accepts every sample stack, rejects what the loader rejects, its id
//! pattern refuses exactly the loader's refused characters, and Python's `jsonschema` and
//! `check-jsonschema` read it too.

use super::*;

/// TOML → JSON as editors see it: a local date becomes its string (serde_json would otherwise
/// show toml's private datetime wrapper).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn stack_as_json(toml_text: &str) -> Value {
    let table: toml::Table = toml_text.parse().expect("stack is TOML");
    toml_to_json(toml::Value::Table(table))
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&run_ok(&["schema"], 0)).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema is not a valid draft 2020-12 schema"
    );
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, stack: &Value) -> Vec<String> {
    validator
        .iter_errors(stack)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_accepts_every_sample_stack() {
    let validator = schema_validator();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read sample"))
        .collect();
    stacks.push(SMALL.to_string());
    stacks.push(HOSTILE.to_string());
    stacks.push(
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/evidence-documents.toml"),
        )
        .expect("read the evidence-documents scenario"),
    );
    for (i, stack) in stacks.iter().enumerate() {
        let path = write(dir.path(), &format!("{i}.toml"), stack);
        let loads = run(&["check", &path, "--fail-on", "never"]);
        assert_eq!(loads.status.code(), Some(0), "stack {i} loads");
        let problems = errors(&validator, &stack_as_json(stack));
        assert!(problems.is_empty(), "stack {i}: {problems:#?}");
    }
}

/// Turns a valid stack into a broken one.
type Breakage = fn(&mut Value);

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let validator = schema_validator();
    let base = stack_as_json(SMALL);
    assert!(errors(&validator, &base).is_empty());
    let dir = tempfile::tempdir().expect("temp dir");
    let broken: Vec<(&str, Breakage)> = vec![
        ("unknown top-level key", |s| s["colour"] = "red".into()),
        ("unknown key in [stack]", |s| {
            s["stack"]["owner"] = "me".into()
        }),
        ("unknown key in a party", |s| {
            s["party"][0]["colour"] = "red".into()
        }),
        ("unknown key in an entry", |s| {
            s["handoff"][1]["controls"]["ENC"]["agred"] = "provider".into()
        }),
        ("bad owner, shorthand", |s| {
            s["handoff"][0]["controls"]["BK"] = "vendor".into()
        }),
        ("bad owner, table", |s| {
            s["handoff"][1]["controls"]["ENC"]["assumed"] = "nobody".into()
        }),
        ("evidence citing nothing", |s| {
            s["handoff"][2]["controls"]["ENC"]["evidence"] = Value::Array(Vec::new())
        }),
        ("evidence that is neither a word nor a list", |s| {
            s["handoff"][2]["controls"]["ENC"]["evidence"] = 3.into()
        }),
        ("a ref that is not text", |s| {
            s["handoff"][2]["controls"]["ENC"]["ref"] = 7.into()
        }),
        (
            "an evidence document named like a level",
            |s| s["evidence"] = serde_json::json!([{ "id": "attested", "level": "attested" }]),
        ),
        ("an evidence document without a level", |s| {
            s["evidence"] = serde_json::json!([{ "id": "soc2" }])
        }),
        ("bad min_evidence", |s| {
            s["stack"]["min_evidence"] = "strong".into()
        }),
        ("bad model", |s| s["handoff"][0]["model"] = "faas".into()),
        ("bad accept kind", |s| s["accept"][0]["kind"] = "gap".into()),
        ("an expiry that is not a date", |s| {
            s["handoff"][2]["controls"]["ENC"]["expires"] = "next year".into()
        }),
        ("missing stack name", |s| {
            s["stack"].as_object_mut().expect("stack").remove("name");
        }),
        ("id with a space", |s| {
            s["party"][0]["id"] = "the shop".into()
        }),
        ("id with a bidi override", |s| {
            s["party"][0]["id"] = "sh\u{202e}op".into()
        }),
        ("accept on a party and a hand-off", |s| {
            s["accept"][0]["party"] = "shop".into()
        }),
    ];
    for (what, break_it) in broken {
        let mut stack = base.clone();
        break_it(&mut stack);
        assert!(
            !errors(&validator, &stack).is_empty(),
            "the schema accepts a stack with {what}"
        );
        // The loader refuses it too: the schema flags nothing that loads, in these cases.
        let toml_text = toml::to_string(&stack).expect("back to TOML");
        let path = write(dir.path(), "broken.toml", &toml_text);
        assert_eq!(
            run(&["check", &path]).status.code(),
            Some(2),
            "the loader accepts a stack with {what}:\n{toml_text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// issue 14: a schema every validator reads

/// The id pattern of `stackgap schema`, compiled alone.
fn id_validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .build(&schema["$defs"]["id"])
        .expect("the id schema compiles")
}

/// Every character the loader refuses in an id (`a?b`), as code points.
fn refused_by_the_loader() -> Vec<u32> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| stackgap::text::id_problem(&format!("a{c}b")).is_some())
        .map(|c| c as u32)
        .collect()
}

#[test]
fn the_schema_id_pattern_refuses_exactly_what_the_loader_refuses() {
    let schema_text = run_ok(&["schema"], 0);
    for class in ["\\p{", "\\P{", "\\\\p{", "\\\\P{"] {
        assert!(
            !schema_text.contains(class),
            "the schema uses a Unicode property class ({class}), which Python's `re` and other \
             validators reject"
        );
    }
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let ids = id_validator(&schema);
    let refused_by_schema: Vec<u32> = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| !ids.is_valid(&Value::String(format!("a{c}b"))))
        .map(|c| c as u32)
        .collect();
    assert_eq!(refused_by_schema, refused_by_the_loader());
    assert!(!ids.is_valid(&Value::String(String::new())), "an empty id");
}

/// Python and its `jsonschema` package (pip install jsonschema check-jsonschema), or `None`
/// when this machine lacks them (CI installs them: .ci/run).
fn python_with_jsonschema() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::missing_tool("python3 with the jsonschema package");
        return None;
    }
    Some("python3")
}

/// What Python's `jsonschema` says of the schema and of each instance, and which code points
/// the id pattern refuses.
const PYTHON_CHECK: &str = r#"
import json, re, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
verdicts = {}
for path in sys.argv[2:]:
    instance = json.load(open(path, encoding="utf-8"))
    verdicts[path] = sorted(e.message for e in validator.iter_errors(instance))
ids = jsonschema.Draft202012Validator(schema["$defs"]["id"])
refused = [c for c in range(0x110000)
           if not 0xD800 <= c <= 0xDFFF and not ids.is_valid("a" + chr(c) + "b")]
print(json.dumps({"verdicts": verdicts, "refused": refused}))
"#;

#[test]
fn python_jsonschema_and_check_jsonschema_accept_the_schema_and_validate_the_samples() {
    let Some(python) = python_with_jsonschema() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = write(dir.path(), "stack.schema.json", &run_ok(&["schema"], 0));
    let mut good: Vec<String> = Vec::new();
    for (i, sample) in sample_stacks().iter().enumerate() {
        let stack = stack_as_json(&std::fs::read_to_string(sample).expect("read sample"));
        good.push(write(
            dir.path(),
            &format!("sample-{i}.json"),
            &stack.to_string(),
        ));
    }
    good.push(write(
        dir.path(),
        "small.json",
        &stack_as_json(SMALL).to_string(),
    ));
    let mut broken = stack_as_json(SMALL);
    broken["party"][0]["id"] = "sh\u{200b}op".into();
    let broken = write(dir.path(), "broken.json", &broken.to_string());

    let mut args = vec!["-c", PYTHON_CHECK, schema.as_str()];
    args.extend(good.iter().map(String::as_str));
    args.push(&broken);
    let out = Command::new(python)
        .args(&args)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    for path in &good {
        assert_eq!(said["verdicts"][path], serde_json::json!([]), "{path}");
    }
    assert!(
        said["verdicts"][&broken]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "Python accepts an id with a zero-width space"
    );
    let refused: Vec<u32> = serde_json::from_value(said["refused"].clone()).expect("code points");
    assert_eq!(
        refused,
        refused_by_the_loader(),
        "Python's `re` reads the pattern as Rust does"
    );

    // check-jsonschema, in each of its regular-expression dialects.
    if Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .is_err()
    {
        common::missing_tool("check-jsonschema");
        return;
    }
    for dialect in ["default", "nonunicode", "python"] {
        let mut args = vec!["--regex-variant", dialect, "--schemafile", schema.as_str()];
        args.extend(good.iter().map(String::as_str));
        let out = Command::new("check-jsonschema")
            .args(&args)
            .output()
            .expect("check-jsonschema runs");
        assert!(
            out.status.success(),
            "{dialect}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let out = Command::new("check-jsonschema")
            .args(["--regex-variant", dialect, "--schemafile", &schema, &broken])
            .output()
            .expect("check-jsonschema runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{dialect}: refuses the broken stack"
        );
    }
}
