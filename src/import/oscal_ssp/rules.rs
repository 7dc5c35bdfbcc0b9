//! The rules of SPEC §8.2 over walked plans: which LEVERAGED.json is which authorization, the
//! party ids, which authorization an `inherited` / `satisfied` statement belongs to, and the
//! hand-off entries and `implements` decisions that follow.

use std::collections::{HashMap, HashSet};

use super::ssp::{Kind, Plan, Statement};
use crate::import::{
    Field, Import, ImportControl, ImportEntry, ImportHandoff, ImportParty, Problem,
};
use crate::stack::Owner;

/// The party id of a leveraged authorization whose title has no letter or digit.
const UNTITLED: &str = "leveraged-authorization";

/// A leveraged authorization as the provider of a hand-off.
#[derive(Debug)]
pub(super) struct Provider {
    /// Its party id.
    pub id: String,
    /// Its party name: the leveraged plan's `system-name`, else the authorization's title.
    pub name: String,
    /// The hand-off's agreement: title and date authorised.
    pub agreement: String,
    /// Its leveraged plan, when one was given and matched.
    pub plan: Option<Plan>,
}

/// A LEVERAGED.json as matching sees it.
pub(super) struct Candidate<'a> {
    /// The file as named.
    pub file: &'a str,
    /// Its `metadata.parties` uuids.
    pub parties: Vec<String>,
}

/// Which file (index into `files`) each of the leveraging plan's authorizations is matched to:
/// each file, in command-line order, takes the first unmatched authorization whose `party-uuid`
/// is among its parties; then one file and one authorization left over go together.
pub(super) fn match_files(
    leveraging: &Plan,
    files: &[Candidate<'_>],
    warnings: &mut Vec<Problem>,
) -> Vec<Option<usize>> {
    let auths = &leveraging.authorizations;
    if auths.is_empty() {
        warnings.push(Problem {
            file: leveraging.file.clone(),
            at: "$.system-security-plan.system-implementation".into(),
            message: "no `leveraged-authorizations`: only the system itself is imported".into(),
        });
    }
    let mut file_of: Vec<Option<usize>> = vec![None; auths.len()];
    for (i, file) in files.iter().enumerate() {
        let found = (0..auths.len())
            .find(|&a| file_of[a].is_none() && file.parties.contains(&auths[a].party_uuid));
        if let Some(a) = found {
            file_of[a] = Some(i);
        }
    }
    let free_files: Vec<usize> = (0..files.len())
        .filter(|i| !file_of.contains(&Some(*i)))
        .collect();
    let free_auths: Vec<usize> = (0..auths.len()).filter(|&a| file_of[a].is_none()).collect();
    if let ([f], [a]) = (free_files.as_slice(), free_auths.as_slice()) {
        file_of[*a] = Some(*f);
        warnings.push(whole_file(
            files[*f].file,
            format!(
                "matched to leveraged authorization {:?} ({}) as the only one left: its \
                 `party-uuid` {} is not among this file's `metadata.parties`",
                auths[*a].title, auths[*a].path, auths[*a].party_uuid
            ),
        ));
        return file_of;
    }
    for f in free_files {
        let why = if auths.is_empty() {
            format!("{} has no leveraged authorizations", leveraging.base)
        } else {
            format!(
                "none of its `metadata.parties` is the `party-uuid` of a leveraged authorization \
                 of {} left unmatched",
                leveraging.base
            )
        };
        warnings.push(whole_file(files[f].file, format!("{why}; not read")));
    }
    file_of
}

fn whole_file(file: &str, message: String) -> Problem {
    Problem {
        file: file.to_owned(),
        at: String::new(),
        message,
    }
}

/// Party ids and providers: ids are claimed by the leveraging plan, then the matched leveraged
/// plans in command-line order, then the authorizations without a file in their order; an id
/// already claimed gets `-2`, `-3`, …. Returns the leveraging id and one provider per
/// authorization, in authorization order.
pub(super) fn providers(
    leveraging: &Plan,
    file_of: &[Option<usize>],
    mut plans: Vec<Option<Plan>>,
    warnings: &mut Vec<Problem>,
) -> (String, Vec<Provider>) {
    let mut taken = HashSet::new();
    let leveraging_id = claim(&mut taken, &leveraging.id);
    let mut ids: Vec<Option<String>> = vec![None; file_of.len()];
    for (f, plan) in plans.iter().enumerate() {
        if let (Some(a), Some(plan)) = (file_of.iter().position(|x| *x == Some(f)), plan) {
            ids[a] = Some(claim(&mut taken, &plan.id));
        }
    }
    let mut out = Vec::with_capacity(file_of.len());
    for (a, auth) in leveraging.authorizations.iter().enumerate() {
        let plan = file_of[a].and_then(|f| plans[f].take());
        let id = match ids[a].take() {
            Some(id) => id,
            None => {
                let want = slug(&auth.title);
                let id = claim(&mut taken, if want.is_empty() { UNTITLED } else { &want });
                warnings.push(Problem {
                    file: leveraging.file.clone(),
                    at: auth.path.clone(),
                    message: format!(
                        "no leveraged SSP was given for {:?}: its party {id} is imported from \
                         the `inherited` and `satisfied` statements alone, without `agreed`",
                        auth.title
                    ),
                });
                id
            }
        };
        out.push(Provider {
            id,
            name: plan
                .as_ref()
                .map_or_else(|| auth.title.clone(), |p| p.name.clone()),
            agreement: format!("{}, authorized {}", auth.title, auth.date),
            plan,
        });
    }
    (leveraging_id, out)
}

/// Claims `want`, or the first of `want-2`, `want-3`, … not yet taken.
fn claim(taken: &mut HashSet<String>, want: &str) -> String {
    if taken.insert(want.to_owned()) {
        return want.to_owned();
    }
    let mut n = 2u64;
    loop {
        let id = format!("{want}-{n}");
        if taken.insert(id.clone()) {
            return id;
        }
        n += 1;
    }
}

/// A title as an id: lower case, every run of characters outside `[a-z0-9]` one `-`, no `-` at
/// either end.
pub(super) fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// Who a hand-off entry names: `provider` for the provider's side alone, `consumer` for the
/// consumer's alone, `shared` for both, none for neither.
pub(super) fn owner(provider_side: bool, consumer_side: bool) -> Option<Owner> {
    match (provider_side, consumer_side) {
        (true, false) => Some(Owner::Provider),
        (false, true) => Some(Owner::Consumer),
        (true, true) => Some(Owner::Shared),
        (false, false) => None,
    }
}

/// What the statements at one hand-off say about one control.
#[derive(Debug, Default)]
struct Said {
    provided: bool,
    responsibility: bool,
    inherited: bool,
    satisfied: bool,
    /// The leveraging plan's statements, as `kind uuid`, in file order.
    consumer: Vec<String>,
    /// The leveraged plan's statements, as `kind uuid`, in file order.
    provider: Vec<String>,
}

/// The controls of one hand-off in first-use order.
#[derive(Debug, Default)]
struct Entries {
    order: Vec<(String, Said)>,
    index: HashMap<String, usize>,
}

impl Entries {
    fn get(&mut self, control: &str) -> &mut Said {
        let i = match self.index.get(control) {
            Some(&i) => i,
            None => {
                self.index.insert(control.to_owned(), self.order.len());
                self.order.push((control.to_owned(), Said::default()));
                self.order.len() - 1
            }
        };
        &mut self.order[i].1
    }
}

/// An exported statement: which provider's plan, and under which control.
#[derive(Debug, Clone, Copy)]
struct Export<'p> {
    provider: usize,
    control: &'p str,
}

/// What the leveraged plans export, by uuid (the first export of a uuid counts).
#[derive(Default)]
struct Exports<'p> {
    provided: HashMap<&'p str, Export<'p>>,
    responsibilities: HashMap<&'p str, Export<'p>>,
}

impl<'p> Exports<'p> {
    fn new(providers: &'p [Provider]) -> Exports<'p> {
        let mut exports = Exports::default();
        for (provider, plan) in providers.iter().enumerate() {
            let Some(plan) = &plan.plan else { continue };
            for s in &plan.statements {
                let map = match s.kind {
                    Kind::Provided => &mut exports.provided,
                    Kind::Responsibility => &mut exports.responsibilities,
                    Kind::Inherited | Kind::Satisfied => continue,
                };
                let export = Export {
                    provider,
                    control: &s.control,
                };
                map.entry(s.uuid.as_str()).or_insert(export);
            }
        }
        exports
    }

    fn get(&self, kind: Kind, uuid: &str) -> Option<Export<'p>> {
        match kind {
            Kind::Provided => self.provided.get(uuid).copied(),
            Kind::Responsibility => self.responsibilities.get(uuid).copied(),
            Kind::Inherited | Kind::Satisfied => None,
        }
    }
}

/// What attribution needs to know.
struct Context<'p> {
    leveraging: &'p Plan,
    providers: &'p [Provider],
    exports: Exports<'p>,
    /// Component uuid → the provider its `leveraged-authorization-uuid` names.
    components: HashMap<&'p str, usize>,
}

impl<'p> Context<'p> {
    fn new(
        leveraging: &'p Plan,
        providers: &'p [Provider],
        warnings: &mut Vec<Problem>,
    ) -> Context<'p> {
        let auths: HashMap<&str, usize> = leveraging
            .authorizations
            .iter()
            .enumerate()
            .rev()
            .map(|(i, a)| (a.uuid.as_str(), i))
            .collect();
        let mut components = HashMap::new();
        for link in &leveraging.links {
            match auths.get(link.authorization.as_str()) {
                Some(&p) => {
                    components.entry(link.component.as_str()).or_insert(p);
                }
                None => warnings.push(Problem {
                    file: leveraging.file.clone(),
                    at: link.path.clone(),
                    message: format!(
                        "component {} names leveraged-authorization-uuid {}, which is not one \
                         of this plan's leveraged authorizations: ignored",
                        link.component, link.authorization
                    ),
                }),
            }
        }
        Context {
            leveraging,
            providers,
            exports: Exports::new(providers),
            components,
        }
    }

    /// The provider an `inherited` / `satisfied` statement belongs to: the one whose plan
    /// exports the uuid it references, else the one its component names, else the only one.
    fn attribute(&self, s: &Statement, warnings: &mut Vec<Problem>) -> Option<usize> {
        let target = s.target.as_deref()?;
        let (wanted, other, outcome) = match s.kind {
            Kind::Inherited => (Kind::Provided, Kind::Responsibility, "inherits"),
            Kind::Satisfied => (Kind::Responsibility, Kind::Provided, "satisfies"),
            Kind::Provided | Kind::Responsibility => return None,
        };
        let head = format!(
            "{} {} ({}) references {target}",
            s.kind.as_str(),
            s.uuid,
            s.control
        );
        let mut warn = |message: String| {
            warnings.push(Problem {
                file: self.leveraging.file.clone(),
                at: s.path.clone(),
                message,
            });
        };
        if let Some(e) = self.exports.get(wanted, target) {
            if e.control != s.control {
                warn(format!(
                    "{head}, which {} exports as a {} of {}: it still counts for that {}",
                    self.base(e.provider),
                    wanted.as_str(),
                    e.control,
                    wanted.as_str()
                ));
            }
            return Some(e.provider);
        }
        if let Some(e) = self.exports.get(other, target) {
            warn(format!(
                "{head}, but {} exports it as a `{}`, not as a {}: it {outcome} nothing",
                self.base(e.provider),
                other.as_str(),
                wanted.as_str()
            ));
            return Some(e.provider);
        }
        let by_component = s.component.as_deref().and_then(|c| self.components.get(c));
        let only = (self.providers.len() == 1).then_some(0);
        let Some(p) = by_component.copied().or(only) else {
            warn(format!(
                "{head}, which no given leveraged SSP exports, and neither its component's \
                 `leveraged-authorization-uuid` nor a single leveraged authorization says where \
                 it comes from: left out"
            ));
            return None;
        };
        if self.providers[p].plan.is_some() {
            warn(format!(
                "{head}, which {} does not export as a {}: it {outcome} nothing",
                self.base(p),
                wanted.as_str()
            ));
        }
        Some(p)
    }

    fn base(&self, provider: usize) -> &str {
        self.providers[provider]
            .plan
            .as_ref()
            .map_or("", |p| p.base.as_str())
    }
}

/// The import: every party, hand-off, entry and control the plans state.
pub(super) fn build(
    leveraging: &Plan,
    leveraging_id: String,
    providers: &[Provider],
    mut warnings: Vec<Problem>,
) -> Import {
    let entries = gather(leveraging, providers, &mut warnings);
    let mut import = Import {
        name: leveraging
            .title
            .clone()
            .unwrap_or_else(|| leveraging.name.clone()),
        warnings,
        ..Import::default()
    };
    let mut seen = HashSet::new();
    for (provider, entries) in providers.iter().zip(&entries) {
        for (control, _) in &entries.order {
            if seen.insert(control.as_str()) {
                import.controls.push(ImportControl {
                    id: control.clone(),
                    name: control.clone(),
                    family: None,
                });
            }
        }
        import
            .handoffs
            .push(handoff(&leveraging_id, leveraging, provider, entries));
    }
    let implements = leveraging_implements(
        leveraging,
        providers,
        &import.controls,
        &mut import.warnings,
    );
    import.parties.push(ImportParty {
        id: leveraging_id,
        name: Some(leveraging.name.clone()),
        layer_of: None,
        implements,
    });
    for (provider, entries) in providers.iter().zip(&entries) {
        let implements = entries.order.iter().map(|(control, said)| {
            // Without its plan, what was inherited from it is taken as what it implements.
            let yes = if provider.plan.is_some() {
                said.provided
            } else {
                said.inherited
            };
            (control.clone(), yes)
        });
        import.parties.push(ImportParty {
            id: provider.id.clone(),
            name: Some(provider.name.clone()),
            layer_of: None,
            implements: implements.collect(),
        });
    }
    import
}

/// What the statements say at each provider's hand-off: the leveraging plan's first (as they
/// are attributed), then each leveraged plan's exports.
fn gather(leveraging: &Plan, providers: &[Provider], warnings: &mut Vec<Problem>) -> Vec<Entries> {
    let cx = Context::new(leveraging, providers, warnings);
    let mut entries: Vec<Entries> = providers.iter().map(|_| Entries::default()).collect();
    for s in &leveraging.statements {
        let Some(p) = cx.attribute(s, warnings) else {
            continue;
        };
        let said = entries[p].get(&s.control);
        said.inherited |= s.kind == Kind::Inherited;
        said.satisfied |= s.kind == Kind::Satisfied;
        said.consumer
            .push(format!("{} {}", s.kind.as_str(), s.uuid));
    }
    for (p, provider) in providers.iter().enumerate() {
        for s in provider.plan.iter().flat_map(|plan| &plan.statements) {
            let said = entries[p].get(&s.control);
            said.provided |= s.kind == Kind::Provided;
            said.responsibility |= s.kind == Kind::Responsibility;
            said.provider
                .push(format!("{} {}", s.kind.as_str(), s.uuid));
        }
    }
    entries
}

fn handoff(
    consumer: &str,
    leveraging: &Plan,
    provider: &Provider,
    entries: &Entries,
) -> ImportHandoff {
    let entries = entries.order.iter().map(|(control, said)| {
        let agreed = match provider.plan {
            Some(_) => field(owner(said.provided, said.responsibility)),
            None => Field::Keep,
        };
        let mut parts = Vec::new();
        if !said.consumer.is_empty() {
            parts.push(format!(
                "{} {control}: {}",
                leveraging.base,
                said.consumer.join(", ")
            ));
        }
        if let (Some(plan), false) = (&provider.plan, said.provider.is_empty()) {
            parts.push(format!(
                "{} {control}: {}",
                plan.base,
                said.provider.join(", ")
            ));
        }
        ImportEntry {
            control: control.clone(),
            agreed,
            assumed: field(owner(said.inherited, said.satisfied)),
            evidence: Field::Set(vec!["attested".to_owned()]),
            expires: Field::Keep,
            reference: format!("OSCAL {}", parts.join("; ")),
        }
    });
    ImportHandoff {
        consumer: consumer.to_owned(),
        provider: provider.id.clone(),
        service: None,
        agreement: Some(provider.agreement.clone()),
        entries: entries.collect(),
    }
}

fn field(owner: Option<Owner>) -> Field<Owner> {
    owner.map_or(Field::Unset, Field::Set)
}

/// The leveraging system implements X when every responsibility any given leveraged plan
/// exports for X is named by a `satisfied`, or, when there is none, when it has an implemented
/// requirement for X. Each responsibility left unsatisfied is a warning naming it: it is why
/// the consumer side of X becomes a gap.
fn leveraging_implements(
    leveraging: &Plan,
    providers: &[Provider],
    controls: &[ImportControl],
    warnings: &mut Vec<Problem>,
) -> Vec<(String, bool)> {
    let satisfied: HashSet<&str> = leveraging
        .statements
        .iter()
        .filter(|s| s.kind == Kind::Satisfied)
        .filter_map(|s| s.target.as_deref())
        .collect();
    let mut responsibilities: HashMap<&str, Vec<(&Plan, &Statement)>> = HashMap::new();
    for plan in providers.iter().filter_map(|p| p.plan.as_ref()) {
        for s in plan
            .statements
            .iter()
            .filter(|s| s.kind == Kind::Responsibility)
        {
            responsibilities
                .entry(&s.control)
                .or_default()
                .push((plan, s));
        }
    }
    let has_requirement: HashSet<&str> = leveraging.controls.iter().map(String::as_str).collect();
    controls
        .iter()
        .map(|c| {
            let yes = match responsibilities.get(c.id.as_str()) {
                Some(all) => {
                    for (plan, r) in all.iter().filter(|(_, r)| !satisfied.contains(r.uuid.as_str())) {
                        warnings.push(Problem {
                            file: plan.file.clone(),
                            at: r.path.clone(),
                            message: format!(
                                "responsibility {} ({}) is satisfied by no `satisfied` of {}: {} does not implement {}, so its side of the hand-off is a gap",
                                r.uuid, r.control, leveraging.base, leveraging.id, r.control
                            ),
                        });
                    }
                    all.iter().all(|(_, r)| satisfied.contains(r.uuid.as_str()))
                }
                None => has_requirement.contains(c.id.as_str()),
            };
            (c.id.clone(), yes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_slugs() {
        let cases = [
            ("CSP IaaS [Leveraged System]", "csp-iaas-leveraged-system"),
            ("  Cloud -- Storage  ", "cloud-storage"),
            ("ABC123", "abc123"),
            ("Zürich DC", "z-rich-dc"),
            ("***", ""),
            ("a_b.c", "a-b-c"),
        ];
        for (title, want) in cases {
            assert_eq!(slug(title), want, "title {title:?}");
        }
    }

    #[test]
    fn colliding_ids_are_numbered_in_claim_order() {
        let mut taken = HashSet::new();
        let got: Vec<String> = ["a", "a", "b", "a", "a-2"]
            .iter()
            .map(|w| claim(&mut taken, w))
            .collect();
        assert_eq!(got, ["a", "a-2", "b", "a-3", "a-2-2"]);
    }

    #[test]
    fn owners_follow_the_sides_that_are_named() {
        let cases = [
            (true, false, Some(Owner::Provider)),
            (false, true, Some(Owner::Consumer)),
            (true, true, Some(Owner::Shared)),
            (false, false, None),
        ];
        for (provider, consumer, want) in cases {
            assert_eq!(owner(provider, consumer), want, "{provider} {consumer}");
        }
    }
}
