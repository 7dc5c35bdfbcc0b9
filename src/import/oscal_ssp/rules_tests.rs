//! Every rule of SPEC §8.2, one small pair of plans each (built by `test_plans`).

use super::test_plans::{LEVERAGING, SELF, Ssp, export, ok, uses};
use crate::import::{Field, Import, ImportEntry, Problem};
use crate::stack::Owner;

/// A leveraging plan `saas` with one authorization `A` ("IaaS") of party `pa`.
fn saas() -> Ssp {
    Ssp::new("saas").authorization("A", "IaaS", "pa")
}

/// A leveraged plan `iaas` of party `pa`.
fn iaas() -> Ssp {
    Ssp::new("iaas").party("pa")
}

fn entry<'i>(import: &'i Import, provider: &str, control: &str) -> &'i ImportEntry {
    import
        .handoffs
        .iter()
        .filter(|h| h.provider == provider)
        .flat_map(|h| &h.entries)
        .find(|e| e.control == control)
        .unwrap_or_else(|| panic!("no entry {control} at {provider}: {import:#?}"))
}

fn implements(import: &Import, party: &str) -> Vec<(String, bool)> {
    import
        .parties
        .iter()
        .find(|p| p.id == party)
        .unwrap_or_else(|| panic!("no party {party}: {import:#?}"))
        .implements
        .clone()
}

fn yes_no(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(c, y)| ((*c).to_owned(), *y)).collect()
}

fn party_ids(import: &Import) -> Vec<&str> {
    import.parties.iter().map(|p| p.id.as_str()).collect()
}

fn controls(import: &Import, provider: &str) -> Vec<String> {
    import
        .handoffs
        .iter()
        .filter(|h| h.provider == provider)
        .flat_map(|h| h.entries.iter().map(|e| e.control.clone()))
        .collect()
}

fn warnings(import: &Import) -> Vec<(&str, &str, &str)> {
    import
        .warnings
        .iter()
        .map(|w| (w.file.as_str(), w.at.as_str(), w.message.as_str()))
        .collect()
}

const BC0: &str = "$.system-security-plan.control-implementation.implemented-requirements[0]\
                   .by-components[0]";

#[test]
fn a_party_is_named_by_its_first_system_id_sanitised_and_its_system_name() {
    let leveraging = Ssp::new("x").ids(&["my saas/v2", "second"]);
    let import = ok(&leveraging, &[]);
    assert_eq!(party_ids(&import), ["my-saas-v2"]);
    assert_eq!(import.parties[0].name.as_deref(), Some("x system"));
    assert_eq!(import.name, "x system plan");
    assert_eq!(import.warnings.len(), 1, "no leveraged authorizations");
}

#[test]
fn colliding_ids_are_numbered_in_file_order() {
    // Authorizations in the order B, A, C; files in the order of A's, then B's; C has none.
    let leveraging = Ssp::new("a b")
        .authorization("B", "Second", "pb")
        .authorization("A", "First", "pa")
        .authorization("C", "A B", "pc");
    let first = Ssp::new("a/b").party("pa");
    let second = Ssp::new("a+b").party("pb");
    let import = ok(&leveraging, &[&first, &second]);
    // a b → a-b; lev1 (A) a/b → a-b-2; lev2 (B) a+b → a-b-3; C's slug "a-b" → a-b-4.
    // Parties are listed in authorization order.
    assert_eq!(party_ids(&import), ["a-b", "a-b-3", "a-b-2", "a-b-4"]);
}

#[test]
fn files_match_the_authorization_whose_party_is_among_their_parties() {
    let leveraging = Ssp::new("saas")
        .authorization("A", "IaaS", "pa")
        .authorization("B", "Storage", "pb");
    let storage = Ssp::new("storage").party("other").party("pb");
    let import = ok(&leveraging, &[&storage, &iaas()]);
    let pairs: Vec<(&str, &str, Option<&str>)> = import
        .handoffs
        .iter()
        .map(|h| {
            (
                h.consumer.as_str(),
                h.provider.as_str(),
                h.agreement.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("saas", "iaas", Some("IaaS, authorized 2025-01-15")),
            ("saas", "storage", Some("Storage, authorized 2025-01-15")),
        ]
    );
    assert_eq!(import.parties[1].name.as_deref(), Some("iaas system"));
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}

#[test]
fn one_file_and_one_authorization_left_over_go_together() {
    let stranger = Ssp::new("iaas").party("someone-else");
    let import = ok(&saas(), &[&stranger]);
    assert_eq!(party_ids(&import), ["saas", "iaas"]);
    assert_eq!(
        warnings(&import),
        [(
            "lev1.json",
            "",
            "matched to leveraged authorization \"IaaS\" \
             ($.system-security-plan.system-implementation.leveraged-authorizations[0]) as the \
             only one left: its `party-uuid` pa is not among this file's `metadata.parties`"
        )]
    );
}

#[test]
fn leftovers_are_not_paired_when_more_than_one_is_left() {
    let leveraging = saas().authorization("B", "Storage", "pb");
    let (x, y) = (Ssp::new("x").party("px"), Ssp::new("y").party("py"));
    let import = ok(&leveraging, &[&x, &y]);
    assert_eq!(party_ids(&import), ["saas", "iaas", "storage"]);
    let files: Vec<(&str, &str)> = import
        .warnings
        .iter()
        .map(|w| (w.file.as_str(), w.at.as_str()))
        .collect();
    let auth = "$.system-security-plan.system-implementation.leveraged-authorizations";
    assert_eq!(
        files,
        [
            ("lev1.json", ""),
            ("lev2.json", ""),
            (LEVERAGING, &*format!("{auth}[0]")),
            (LEVERAGING, &*format!("{auth}[1]")),
        ]
    );
    assert!(
        import.warnings[0].message.ends_with("; not read"),
        "{}",
        import.warnings[0]
    );
}

#[test]
fn an_authorization_without_a_file_is_a_party_named_by_its_title() {
    let leveraging = Ssp::new("saas")
        .authorization("A", "Acme Cloud: EU-West (prod)", "pa")
        .authorization("B", "***", "pb");
    let import = ok(&leveraging, &[]);
    assert_eq!(
        party_ids(&import),
        ["saas", "acme-cloud-eu-west-prod", "leveraged-authorization"]
    );
    assert_eq!(
        import.parties[1].name.as_deref(),
        Some("Acme Cloud: EU-West (prod)")
    );
    assert_eq!(import.warnings.len(), 2);
}

#[test]
fn a_file_that_matches_no_authorization_is_a_warning_and_is_not_read() {
    // The second file's exports would add ac-9, and its broken statement would be fatal.
    let mut stray = Ssp::new("stray")
        .party("nobody")
        .requirement("ac-9", vec![export(&["p9"], &[])]);
    stray = stray.requirement(
        "ac-8",
        vec![serde_json::json!({ "export": { "provided": "no" } })],
    );
    let iaas = iaas().requirement("ac-1", vec![export(&["p1"], &[])]);
    let import = ok(&saas(), &[&iaas, &stray]);
    assert_eq!(controls(&import, "iaas"), ["ac-1"]);
    assert_eq!(party_ids(&import), ["saas", "iaas"]);
    assert_eq!(
        warnings(&import),
        [(
            "lev2.json",
            "",
            "none of its `metadata.parties` is the `party-uuid` of a leveraged authorization of \
             saas.json left unmatched; not read"
        )]
    );
}

#[test]
fn a_plan_without_authorizations_reads_no_leveraged_file() {
    let import = ok(&Ssp::new("solo"), &[&iaas()]);
    assert!(import.handoffs.is_empty() && import.controls.is_empty());
    assert_eq!(
        warnings(&import),
        [
            (
                LEVERAGING,
                "$.system-security-plan.system-implementation",
                "no `leveraged-authorizations`: only the system itself is imported"
            ),
            (
                "lev1.json",
                "",
                "saas.json has no leveraged authorizations; not read"
            )
        ]
    );
}

#[test]
fn agreed_follows_what_the_leveraged_plan_exports() {
    let iaas = iaas()
        .requirement("ac-1", vec![export(&["p1"], &[])])
        .requirement("ac-2", vec![export(&[], &[("r2", Some("p-other"))])])
        .requirement("ac-3", vec![export(&["p3"], &[("r3", Some("p3"))])]);
    let leveraging = saas().requirement("ac-4", vec![uses(SELF, &[("i4", "p-none")], &[])]);
    let import = ok(&leveraging, &[&iaas]);
    let cases = [
        ("ac-1", Field::Set(Owner::Provider), true),
        ("ac-2", Field::Set(Owner::Consumer), false),
        ("ac-3", Field::Set(Owner::Shared), true),
        // Only the leveraging plan names it: the leveraged plan shows no agreement.
        ("ac-4", Field::Unset, false),
    ];
    for (control, agreed, provided) in cases {
        assert_eq!(entry(&import, "iaas", control).agreed, agreed, "{control}");
        let pair = (control.to_owned(), provided);
        assert!(implements(&import, "iaas").contains(&pair), "{control}");
    }
    // The leveraging plan's statements come first.
    assert_eq!(controls(&import, "iaas"), ["ac-4", "ac-1", "ac-2", "ac-3"]);
}

#[test]
fn assumed_follows_what_the_leveraging_plan_inherits_and_satisfies() {
    let iaas = iaas()
        .requirement("ac-1", vec![export(&["p1"], &[])])
        .requirement("ac-2", vec![export(&[], &[("r2", Some("p-other"))])])
        .requirement("ac-3", vec![export(&["p3"], &[("r3", Some("p3"))])])
        .requirement("ac-4", vec![export(&["p4"], &[])]);
    let leveraging = saas()
        .requirement("ac-1", vec![uses(SELF, &[("i1", "p1")], &[])])
        .requirement("ac-2", vec![uses(SELF, &[], &[("s2", "r2")])])
        .requirement("ac-3", vec![uses(SELF, &[("i3", "p3")], &[("s3", "r3")])]);
    let import = ok(&leveraging, &[&iaas]);
    let cases = [
        ("ac-1", Field::Set(Owner::Provider)),
        ("ac-2", Field::Set(Owner::Consumer)),
        ("ac-3", Field::Set(Owner::Shared)),
        ("ac-4", Field::Unset),
    ];
    for (control, assumed) in cases {
        let e = entry(&import, "iaas", control);
        assert_eq!(e.assumed, assumed, "{control}");
        assert_eq!(
            e.evidence,
            Field::Set(vec!["attested".to_owned()]),
            "{control}"
        );
        assert_eq!(e.expires, Field::Keep, "{control}");
    }
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}

#[test]
fn statements_by_components_count_as_the_requirements_own_do() {
    let iaas = iaas()
        .requirement("ac-1", vec![export(&["p1"], &[])])
        .statement("ac-1", vec![export(&[], &[("r1", Some("p1"))])]);
    let leveraging = saas()
        .requirement("ac-1", vec![uses(SELF, &[("i1", "p1")], &[])])
        .statement("ac-1", vec![uses(SELF, &[], &[("s1", "r1")])]);
    let import = ok(&leveraging, &[&iaas]);
    let e = entry(&import, "iaas", "ac-1");
    assert_eq!(
        (e.agreed, e.assumed),
        (Field::Set(Owner::Shared), Field::Set(Owner::Shared))
    );
    assert_eq!(
        e.reference,
        "OSCAL saas.json ac-1: inherited i1, satisfied s1; lev1.json ac-1: provided p1, \
         responsibility r1"
    );
    assert_eq!(implements(&import, "saas"), yes_no(&[("ac-1", true)]));
}

#[test]
fn the_leveraging_system_implements_what_it_fully_satisfies_or_owns() {
    let iaas = iaas()
        .requirement(
            "ac-1",
            vec![export(&["p1"], &[("r1a", Some("p1")), ("r1b", Some("p1"))])],
        )
        .requirement(
            "ac-2",
            vec![export(&["p2"], &[("r2a", Some("p2")), ("r2b", Some("p2"))])],
        )
        .requirement("ac-3", vec![export(&["p3"], &[])])
        .requirement("ac-4", vec![export(&["p4"], &[])]);
    let leveraging = saas()
        // Every responsibility satisfied, across two implemented requirements for ac-1.
        .requirement("ac-1", vec![uses(SELF, &[], &[("s1a", "r1a")])])
        .statement("ac-1", vec![uses(SELF, &[], &[("s1b", "r1b")])])
        // One of two.
        .requirement("ac-2", vec![uses(SELF, &[], &[("s2a", "r2a")])])
        // No responsibilities, and an implemented requirement.
        .requirement("ac-3", vec![uses(SELF, &[("i3", "p3")], &[])]);
    // ac-4: no responsibilities and no implemented requirement.
    let import = ok(&leveraging, &[&iaas]);
    assert_eq!(
        implements(&import, "saas"),
        yes_no(&[
            ("ac-1", true),
            ("ac-2", false),
            ("ac-3", true),
            ("ac-4", false)
        ])
    );
}

#[test]
fn dangling_references_warn_and_count_as_believed_but_satisfy_nothing() {
    let iaas = iaas()
        .requirement("ac-1", vec![export(&["p1"], &[("r1", Some("p1"))])])
        .requirement("ac-2", vec![export(&["p2"], &[])]);
    let leveraging = saas()
        // Names a uuid nobody exports.
        .requirement("ac-1", vec![uses(SELF, &[], &[("s1", "r-gone")])])
        // Inherits a uuid exported as a responsibility.
        .requirement("ac-2", vec![uses(SELF, &[("i2", "r1")], &[])])
        // Only the leveraging plan names ac-3, through a uuid nobody exports.
        .requirement("ac-3", vec![uses(SELF, &[("i3", "p-gone")], &[])]);
    let import = ok(&leveraging, &[&iaas]);
    let at = |i: usize, kind: &str| {
        format!(
            "$.system-security-plan.control-implementation.implemented-requirements[{i}]\
             .by-components[0].{kind}[0]"
        )
    };
    assert_eq!(
        import.warnings,
        [
            Problem {
                file: LEVERAGING.into(),
                at: at(0, "satisfied"),
                message: "satisfied s1 (ac-1) references r-gone, which lev1.json does not \
                          export as a responsibility: it satisfies nothing"
                    .into(),
            },
            Problem {
                file: LEVERAGING.into(),
                at: at(1, "inherited"),
                message: "inherited i2 (ac-2) references r1, but lev1.json exports it as a \
                          `responsibility`, not as a provided: it inherits nothing"
                    .into(),
            },
            Problem {
                file: LEVERAGING.into(),
                at: at(2, "inherited"),
                message: "inherited i3 (ac-3) references p-gone, which lev1.json does not \
                          export as a provided: it inherits nothing"
                    .into(),
            },
            // r1 is named by an inherited, not a satisfied: nothing satisfies it.
            Problem {
                file: "lev1.json".into(),
                at: "$.system-security-plan.control-implementation.implemented-requirements[0]\
                     .by-components[0].export.responsibilities[0]"
                    .into(),
                message: "responsibility r1 (ac-1) is satisfied by no `satisfied` of saas.json: \
                          saas does not implement ac-1, so its side of the hand-off is a gap"
                    .into(),
            },
        ]
    );
    // Still listed, still believed.
    assert_eq!(
        entry(&import, "iaas", "ac-1").assumed,
        Field::Set(Owner::Consumer)
    );
    assert_eq!(
        entry(&import, "iaas", "ac-2").assumed,
        Field::Set(Owner::Provider)
    );
    assert_eq!(
        entry(&import, "iaas", "ac-3").assumed,
        Field::Set(Owner::Provider)
    );
    // r1 is not satisfied; the provider implements by its own exports only.
    let saas_implements = implements(&import, "saas");
    assert!(
        saas_implements.contains(&("ac-1".into(), false)),
        "{saas_implements:?}"
    );
    assert!(implements(&import, "iaas").contains(&("ac-3".into(), false)));
}

#[test]
fn a_responsibility_without_provided_uuid_warns_and_still_counts() {
    let iaas = iaas().requirement("ac-1", vec![export(&[], &[("r1", None)])]);
    let import = ok(&saas().requirement("ac-1", vec![]), &[&iaas]);
    assert_eq!(
        warnings(&import),
        [
            (
                "lev1.json",
                &*format!("{BC0}.export.responsibilities[0]"),
                "responsibility r1 has no `provided-uuid`: it is still a responsibility of ac-1"
            ),
            (
                "lev1.json",
                &*format!("{BC0}.export.responsibilities[0]"),
                "responsibility r1 (ac-1) is satisfied by no `satisfied` of saas.json: saas does \
                 not implement ac-1, so its side of the hand-off is a gap"
            )
        ]
    );
    assert_eq!(
        entry(&import, "iaas", "ac-1").agreed,
        Field::Set(Owner::Consumer)
    );
    // ac-1 has a responsibility nobody satisfied, although saas has a requirement for it.
    assert_eq!(implements(&import, "saas"), yes_no(&[("ac-1", false)]));
}

#[test]
fn statements_are_attributed_by_uuid_then_component_then_the_only_authorization() {
    let leveraging = Ssp::new("saas")
        .authorization("A", "IaaS", "pa")
        .authorization("B", "Storage", "pb")
        .component("c-a", Some("A"))
        .component("c-b", Some("B"))
        .requirement(
            "ac-1",
            vec![
                // By uuid: B exports p-b, although the component names A.
                uses("c-a", &[("i1", "p-b")], &[]),
                // By component: nobody exports r-x; c-b names B.
                uses("c-b", &[], &[("s1", "r-x")]),
                // Neither, and two authorizations: left out.
                uses(SELF, &[], &[("s2", "r-y")]),
            ],
        );
    let storage = Ssp::new("storage")
        .party("pb")
        .requirement("ac-9", vec![export(&["p-b"], &[])]);
    let import = ok(&leveraging, &[&iaas(), &storage]);
    assert_eq!(controls(&import, "iaas"), Vec::<String>::new());
    assert_eq!(controls(&import, "storage"), ["ac-1", "ac-9"]);
    let e = entry(&import, "storage", "ac-1");
    assert_eq!(
        e.reference,
        "OSCAL saas.json ac-1: inherited i1, satisfied s1"
    );
    let messages: Vec<&str> = import.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "inherited i1 (ac-1) references p-b, which lev2.json exports as a provided of ac-9: \
             it still counts for that provided",
            "satisfied s1 (ac-1) references r-x, which lev2.json does not export as a \
             responsibility: it satisfies nothing",
            "satisfied s2 (ac-1) references r-y, which no given leveraged SSP exports, and \
             neither its component's `leveraged-authorization-uuid` nor a single leveraged \
             authorization says where it comes from: left out",
        ]
    );
}

#[test]
fn with_one_authorization_everything_is_attributed_to_it() {
    // No component prop, nothing exported: the only authorization, without its plan.
    let leveraging = saas().requirement("ac-1", vec![uses(SELF, &[("i1", "p1")], &[("s1", "r1")])]);
    let import = ok(&leveraging, &[]);
    assert_eq!(
        entry(&import, "iaas", "ac-1").assumed,
        Field::Set(Owner::Shared)
    );
    assert_eq!(entry(&import, "iaas", "ac-1").agreed, Field::Keep);
}

#[test]
fn a_component_naming_an_unknown_authorization_is_warned_about_and_ignored() {
    let leveraging = saas()
        .component("c-x", Some("Z"))
        .requirement("ac-1", vec![uses("c-x", &[("i1", "p1")], &[])]);
    let import = ok(&leveraging, &[]);
    assert_eq!(controls(&import, "iaas"), ["ac-1"]);
    let w = &import.warnings[1];
    assert_eq!(
        w.at,
        "$.system-security-plan.system-implementation.components[1].props[1]"
    );
    assert_eq!(
        w.message,
        "component c-x names leveraged-authorization-uuid Z, which is not one of this plan's \
         leveraged authorizations: ignored"
    );
}

#[test]
fn without_the_leveraged_plan_what_was_inherited_is_what_it_implements() {
    let leveraging = saas()
        .requirement("ac-1", vec![uses(SELF, &[("i1", "p1")], &[])])
        .requirement("ac-2", vec![uses(SELF, &[], &[("s2", "r2")])]);
    let import = ok(&leveraging, &[]);
    assert_eq!(
        implements(&import, "iaas"),
        yes_no(&[("ac-1", true), ("ac-2", false)])
    );
    assert_eq!(
        implements(&import, "saas"),
        yes_no(&[("ac-1", true), ("ac-2", true)])
    );
    for control in ["ac-1", "ac-2"] {
        assert_eq!(
            entry(&import, "iaas", control).agreed,
            Field::Keep,
            "{control}"
        );
    }
}

#[test]
fn several_authorizations_give_several_handoffs() {
    let leveraging = saas()
        .authorization("B", "Storage", "pb")
        .component("c-b", Some("B"))
        .requirement(
            "ac-1",
            vec![
                uses(SELF, &[("i1", "p1")], &[]),
                uses("c-b", &[("i2", "p2")], &[]),
            ],
        );
    let storage = Ssp::new("storage")
        .party("pb")
        .requirement("ac-1", vec![export(&["p2"], &[])]);
    let iaas = iaas().requirement("ac-1", vec![export(&["p1"], &[])]);
    let import = ok(&leveraging, &[&storage, &iaas]);
    let handoffs: Vec<(&str, usize)> = import
        .handoffs
        .iter()
        .map(|h| (h.provider.as_str(), h.entries.len()))
        .collect();
    assert_eq!(handoffs, [("iaas", 1), ("storage", 1)]);
    assert_eq!(import.controls.len(), 1);
    assert_eq!(
        entry(&import, "storage", "ac-1").reference,
        "OSCAL saas.json ac-1: inherited i2; lev1.json ac-1: provided p2"
    );
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}
