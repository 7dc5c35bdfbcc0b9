//! `catalog` and `schema`: the built-in controls by family, the JSON Schema of every table, a
//! stack's OSCAL catalog and its own controls, and an unknown OSCAL control named with a
//! suggestion.

use super::*;

#[test]
fn catalog_lists_at_least_40_controls_in_10_families() {
    let json_out = run(&["catalog", "--format", "json"]);
    assert_eq!(json_out.status.code(), Some(0));
    let list: Vec<Value> = serde_json::from_slice(&json_out.stdout).expect("JSON array");
    assert!(list.len() >= 40, "only {} controls", list.len());
    let mut families: Vec<&str> = list
        .iter()
        .map(|c| c["family"].as_str().expect("family"))
        .collect();
    families.sort_unstable();
    families.dedup();
    assert!(families.len() >= 10, "only {} families", families.len());

    let text_out = run(&["catalog"]);
    assert_eq!(text_out.status.code(), Some(0));
    let shown = text(&text_out.stdout);
    for c in &list {
        for key in ["id", "name", "description"] {
            let s = c[key].as_str().expect("string");
            assert!(!s.is_empty(), "{c}: empty {key}");
            assert!(
                shown.contains(s),
                "the text catalog does not show {key} {s:?}"
            );
        }
        assert!(
            c["refs"].as_array().is_some_and(|r| !r.is_empty()),
            "{c}: no references"
        );
    }
    for family in families {
        assert!(
            shown.contains(family),
            "the text catalog does not show {family}"
        );
    }
}

#[test]
fn schema_is_json_describing_every_table() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(schema["$schema"].is_string(), "not a JSON Schema");
    let props = schema["properties"].as_object().expect("properties");
    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accept", "control", "evidence", "handoff", "layer", "party", "stack"
        ]
    );
    let schema_text = text(&out.stdout);
    for word in [
        "provider", "consumer", "shared", "attested", "verified", "expires",
    ] {
        assert!(schema_text.contains(word), "schema does not mention {word}");
    }
}

/// A NIST OSCAL catalog with an enhancement (`ac-2.1`) and two families.
const OSCAL: &str = r#"{"catalog": {"uuid": "x", "metadata": {"title": "t"}, "groups": [
  {"id": "ac", "title": "Access Control", "controls": [
    {"id": "ac-2", "title": "Account Management", "controls": [
      {"id": "ac-2.1", "title": "Automated System Account Management"}]},
    {"id": "ac-3", "title": "Access Enforcement"}]},
  {"id": "pe", "title": "Physical and Environmental Protection", "controls": [
    {"id": "pe-2", "title": "Physical Access Authorizations"}]}]}}"#;

#[test]
fn catalog_of_a_stack_lists_its_catalog_and_its_own_controls() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), "nist.json", OSCAL);
    let oscal = write_stack(
        dir.path(),
        "oscal.toml",
        "[stack]\nname = \"gov\"\ncatalog = \"oscal:nist.json\"\n\
         [[control]]\nid = \"GOV-EU\"\nname = \"Data stays in the EU\"\nfamily = \"Sovereignty\"\n\
         [[control]]\nid = \"GOV-X\"\nname = \"Unfiled\"\n",
    );
    let out = run(&["catalog", &oscal]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for line in [
        "Access Control\n  ac-2              Account Management\n",
        "  ac-2.1            Automated System Account Management\n",
        "Physical and Environmental Protection\n  pe-2 ",
        "Sovereignty\n  GOV-EU            Data stays in the EU\n",
        "Other\n  GOV-X             Unfiled\n",
        "the OSCAL catalog nist.json",
        "6 controls in 4 families: 0 built-in, 6 from the stack's catalog file or its [[control]] tables\n",
    ] {
        assert!(shown.contains(line), "{line:?} in\n{shown}");
    }
    let list: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", &oscal, "--format", "json"]).stdout)
            .expect("JSON array");
    let ids: Vec<&str> = list.iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["ac-2", "ac-2.1", "ac-3", "pe-2", "GOV-EU", "GOV-X"]);
    assert_eq!(list[0]["family"], "Access Control");
    assert_eq!(list[0]["builtin"], false);
    assert_eq!(list[0]["template"], Value::Null);

    // A stack on the built-in catalog: every built-in control, then its own.
    let builtin: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", "--format", "json"]).stdout).expect("JSON");
    let own = write_stack(
        dir.path(),
        "own.toml",
        "[stack]\nname = \"own\"\n[[control]]\nid = \"ACME-EU-ONLY\"\nname = \"EU only\"\n",
    );
    let list: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", &own, "--format", "json"]).stdout)
            .expect("JSON array");
    assert_eq!(list.len(), builtin.len() + 1);
    assert_eq!(
        &list[..builtin.len()],
        &builtin[..],
        "the built-in ones as `catalog` lists them"
    );
    assert_eq!(list[builtin.len()]["id"], "ACME-EU-ONLY");
    assert!(
        list[0]["template"].is_object(),
        "built-in controls keep their template"
    );

    // A stack that does not load: exit 2, nothing listed.
    let bad = write_stack(
        dir.path(),
        "bad.toml",
        "[stack]\nname = \"x\"\ncatalog = \"oscal:nope.json\"\n",
    );
    let out = run(&["catalog", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("nope.json"));
}

#[test]
fn an_unknown_oscal_control_names_the_catalog_and_suggests_only_the_same_control() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), "nist.json", OSCAL);
    for (wanted, help) in [
        // The same control written another way.
        ("AC-2", Some("ac-2")),
        ("ac-02", Some("ac-2")),
        ("ac-2(1)", Some("ac-2.1")),
        ("AC-2 (1)", Some("ac-2.1")),
        // One slip, the same numbers.
        ("ac_2", Some("ac-2")),
        ("pe-2.", Some("pe-2")),
        // Other controls, never typos: another number, another family.
        ("ac-22", None),
        ("ac-21", None),
        ("pe-9", None),
        ("xx-2", None),
        ("ca-2", None),
    ] {
        let stack = write_stack(
            dir.path(),
            "stack.toml",
            &format!(
                "[stack]\nname = \"x\"\ncatalog = \"oscal:nist.json\"\n[[party]]\nid = \"a\"\nrequires = [{}]\n",
                toml::Value::String(wanted.into())
            ),
        );
        let out = run(&["check", &stack]);
        assert_eq!(out.status.code(), Some(2), "{wanted}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "unknown control `{wanted}`: not in the OSCAL catalog \"nist.json\" nor a [[control]] of the stack"
            )),
            "{wanted}: {stderr}"
        );
        match help {
            Some(id) => assert!(
                stderr.contains(&format!("help: did you mean `{id}`?")),
                "{wanted}: {stderr}"
            ),
            None => {
                assert!(!stderr.contains("did you mean"), "{wanted}: {stderr}");
                assert!(
                    stderr.contains(
                        "help: check the id in nist.json, or declare it as a [[control]] first"
                    ),
                    "{wanted}: {stderr}"
                );
            }
        }
    }
    // Without an OSCAL catalog, an unknown control reads as before.
    let stack = write_stack(
        dir.path(),
        "builtin.toml",
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nrequires = [\"BACKUPS\"]\n",
    );
    let stderr = text(&run(&["check", &stack]).stderr);
    assert!(stderr.contains("unknown control `BACKUPS`\n"), "{stderr}");
}
