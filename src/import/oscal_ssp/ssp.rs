//! Walks one OSCAL system security plan into the few facts SPEC §8.2 reads: the system's id and
//! name, its leveraged authorizations and the components that name one, the controls it has
//! implemented requirements for, and its `provided` / `responsibility` (exports) or `inherited` /
//! `satisfied` (leveraging) statements — each with its JSON path.

use serde_json::Value;

use super::Source;
use super::json::Node;
use crate::import::Problem;

/// The namespace of OSCAL's own props (a prop without `ns` is in it too).
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// Which side of a leveraged authorization a plan is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The system that leverages: its authorizations, components, `inherited` and `satisfied`.
    Leveraging,
    /// An authorised system: its exported `provided` and `responsibilities`.
    Leveraged,
}

/// The kind of a statement about a leveraged authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Exported: what a leveraging system may inherit.
    Provided,
    /// Exported: what a leveraging system must do itself.
    Responsibility,
    /// Leveraging: a `provided` taken over.
    Inherited,
    /// Leveraging: a responsibility taken care of.
    Satisfied,
}

impl Kind {
    /// The word OSCAL uses (as in the references written to the stack).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Provided => "provided",
            Kind::Responsibility => "responsibility",
            Kind::Inherited => "inherited",
            Kind::Satisfied => "satisfied",
        }
    }
}

/// One `provided`, `responsibility`, `inherited` or `satisfied` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Statement {
    /// Its kind.
    pub kind: Kind,
    /// The `control-id` of the implemented requirement it sits in.
    pub control: String,
    /// Its own uuid.
    pub uuid: String,
    /// The uuid it references: `provided-uuid` (responsibility, inherited) or
    /// `responsibility-uuid` (satisfied); a responsibility may have none.
    pub target: Option<String>,
    /// The `component-uuid` of its by-component (read for the leveraging plan only).
    pub component: Option<String>,
    /// Its JSON path.
    pub path: String,
}

/// A `leveraged-authorizations` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Authorization {
    /// Its uuid (named by components' `leveraged-authorization-uuid`).
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// The party that matches it to a leveraged plan's `metadata.parties`.
    pub party_uuid: String,
    /// `date-authorized`, as written.
    pub date: String,
    /// Its JSON path.
    pub path: String,
}

/// A component's `leveraged-authorization-uuid` prop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ComponentLink {
    /// The component's uuid.
    pub component: String,
    /// The authorization it names.
    pub authorization: String,
    /// The prop's JSON path.
    pub path: String,
}

/// What SPEC §8.2 reads of one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    /// The file as named on the command line.
    pub file: String,
    /// The file's base name (references name it).
    pub base: String,
    /// The first system id, sanitised (before colliding ids are numbered).
    pub id: String,
    /// `system-name`.
    pub name: String,
    /// `metadata.title`, if any.
    pub title: Option<String>,
    /// Leveraged authorizations (leveraging role only).
    pub authorizations: Vec<Authorization>,
    /// Components naming an authorization (leveraging role only), in file order.
    pub links: Vec<ComponentLink>,
    /// Controls with an implemented requirement, first-use order, each once.
    pub controls: Vec<String>,
    /// Statements of the role's kinds, in file order.
    pub statements: Vec<Statement>,
    /// Problems that do not stop the import.
    pub warnings: Vec<Problem>,
}

/// The `system-security-plan` object of a file; anything else is not an SSP.
pub(super) fn plan_node(source: &Source) -> Result<Node<'_>, Problem> {
    let root = Node::root(&source.file, &source.json);
    let found = match root.value() {
        Value::Object(map) => OTHER_MODELS.iter().find(|m| map.contains_key(**m)).copied(),
        _ => None,
    };
    let not_ssp = |what: String| {
        root.problem(format!(
            "not an OSCAL system security plan: {what}; expected a JSON object with \
             `system-security-plan`"
        ))
    };
    match (root.value(), found) {
        (Value::Object(map), _) if map.contains_key("system-security-plan") => {
            root.object("system-security-plan")
        }
        (_, Some(model)) => Err(not_ssp(format!("this is an OSCAL `{model}`"))),
        (Value::Object(_), None) => Err(not_ssp("no `system-security-plan`".into())),
        (_, None) => Err(not_ssp("the document is not a JSON object".into())),
    }
}

/// The other OSCAL models, named when a file holds one of them instead of an SSP.
const OTHER_MODELS: [&str; 7] = [
    "catalog",
    "profile",
    "component-definition",
    "assessment-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
    "mapped-collection",
];

/// The uuids of `metadata.parties` (how a leveraged plan is matched to its authorization).
pub(super) fn party_uuids(source: &Source) -> Result<Vec<String>, Problem> {
    let plan = plan_node(source)?;
    let Some(metadata) = plan.opt_object("metadata")? else {
        return Ok(Vec::new());
    };
    metadata
        .items("parties")?
        .iter()
        .map(|p| p.string("uuid").map(str::to_owned))
        .collect()
}

/// Reads one plan for its role.
pub(super) fn walk(source: &Source, role: Role) -> Result<Plan, Problem> {
    let plan = plan_node(source)?;
    let chars = plan.object("system-characteristics")?;
    let ids = chars.nonempty_items(
        "system-ids",
        "an array of system ids (the first names the party)",
    )?;
    let first = ids[0].string("id")?;
    if first.is_empty() {
        let at = ids[0].get("id")?.unwrap_or_else(|| ids[0].clone());
        return Err(
            at.problem("the first system id is empty: expected the id that names this system")
        );
    }
    let title = match plan.opt_object("metadata")? {
        Some(m) => m.opt_string("title")?.map(str::to_owned),
        None => None,
    };
    let mut out = Plan {
        file: source.file.clone(),
        base: source.base.clone(),
        id: sanitise_id(first),
        name: chars.string("system-name")?.to_owned(),
        title,
        authorizations: Vec::new(),
        links: Vec::new(),
        controls: Vec::new(),
        statements: Vec::new(),
        warnings: Vec::new(),
    };
    if role == Role::Leveraging
        && let Some(imp) = plan.opt_object("system-implementation")?
    {
        out.authorizations = authorizations(&imp)?;
        out.links = component_links(&imp)?;
    }
    if let Some(ci) = plan.opt_object("control-implementation")? {
        for req in ci.items("implemented-requirements")? {
            requirement(&req, role, &mut out)?;
        }
    }
    Ok(out)
}

/// A system id as a party id: every character outside `[A-Za-z0-9._-]` becomes `-`.
pub(super) fn sanitise_id(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .collect()
}

fn authorizations(imp: &Node<'_>) -> Result<Vec<Authorization>, Problem> {
    imp.items("leveraged-authorizations")?
        .iter()
        .map(|a| {
            Ok(Authorization {
                uuid: a.string("uuid")?.to_owned(),
                title: a.string("title")?.to_owned(),
                party_uuid: a.string("party-uuid")?.to_owned(),
                date: a.string("date-authorized")?.to_owned(),
                path: a.path().to_owned(),
            })
        })
        .collect()
}

fn component_links(imp: &Node<'_>) -> Result<Vec<ComponentLink>, Problem> {
    let mut links = Vec::new();
    for component in imp.items("components")? {
        let uuid = component.string("uuid")?;
        for prop in component.items("props")? {
            let ns = prop.opt_string("ns")?;
            let ours = ns.is_none_or(|ns| ns == OSCAL_NS);
            if ours && prop.string("name")? == "leveraged-authorization-uuid" {
                links.push(ComponentLink {
                    component: uuid.to_owned(),
                    authorization: prop.string("value")?.to_owned(),
                    path: prop.path().to_owned(),
                });
                // The first such prop names the component's authorization; OSCAL allows one.
                break;
            }
        }
    }
    Ok(links)
}

fn requirement(req: &Node<'_>, role: Role, out: &mut Plan) -> Result<(), Problem> {
    let control = req.string("control-id")?;
    if let Some(why) = crate::text::id_problem(control) {
        let at = req.get("control-id")?.unwrap_or_else(|| req.clone());
        return Err(at.problem(format!(
            "`control-id` {control:?} cannot be a control id: {why}"
        )));
    }
    if !out.controls.iter().any(|c| c == control) {
        out.controls.push(control.to_owned());
    }
    for bc in req.items("by-components")? {
        by_component(&bc, control, role, out)?;
    }
    for statement in req.items("statements")? {
        for bc in statement.items("by-components")? {
            by_component(&bc, control, role, out)?;
        }
    }
    Ok(())
}

fn by_component(bc: &Node<'_>, control: &str, role: Role, out: &mut Plan) -> Result<(), Problem> {
    match role {
        Role::Leveraged => {
            let Some(export) = bc.opt_object("export")? else {
                return Ok(());
            };
            for provided in export.items("provided")? {
                let s = statement(Kind::Provided, &provided, control, None, None)?;
                out.statements.push(s);
            }
            for resp in export.items("responsibilities")? {
                let target = resp.opt_string("provided-uuid")?;
                let s = statement(Kind::Responsibility, &resp, control, target, None)?;
                if target.is_none() {
                    out.warnings.push(resp.problem(format!(
                        "responsibility {} has no `provided-uuid`: it is still a responsibility \
                         of {control}",
                        s.uuid
                    )));
                }
                out.statements.push(s);
            }
        }
        Role::Leveraging => {
            let component = Some(bc.string("component-uuid")?);
            for inherited in bc.items("inherited")? {
                let target = Some(inherited.string("provided-uuid")?);
                let s = statement(Kind::Inherited, &inherited, control, target, component)?;
                out.statements.push(s);
            }
            for satisfied in bc.items("satisfied")? {
                let target = Some(satisfied.string("responsibility-uuid")?);
                let s = statement(Kind::Satisfied, &satisfied, control, target, component)?;
                out.statements.push(s);
            }
        }
    }
    Ok(())
}

fn statement(
    kind: Kind,
    node: &Node<'_>,
    control: &str,
    target: Option<&str>,
    component: Option<&str>,
) -> Result<Statement, Problem> {
    Ok(Statement {
        kind,
        control: control.to_owned(),
        uuid: node.string("uuid")?.to_owned(),
        target: target.map(str::to_owned),
        component: component.map(str::to_owned),
        path: node.path().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_ids_are_sanitised_character_by_character() {
        let cases = [
            ("csp_iaas_system", "csp_iaas_system"),
            ("A.b-C_9", "A.b-C_9"),
            ("my system/v2", "my-system-v2"),
            ("  ", "--"),
            ("café", "caf-"),
            ("a\u{202E}b", "a-b"),
            ("https://example.com/id#1", "https---example.com-id-1"),
        ];
        for (raw, want) in cases {
            assert_eq!(sanitise_id(raw), want, "system id {raw:?}");
        }
    }
}
