//! What a diagram shows: the parties and hand-offs to draw with each hand-off's status, and,
//! for a stack too big to read as one picture, the parties on paths to the worst findings with
//! everything below them folded into "+N" nodes that say what they hold.

use std::collections::VecDeque;

use crate::analysis::{Place, Severity};
use crate::report::Context;
use crate::stack::{HandoffIdx, PartyIdx, Stack};

/// Up to this many parties and hand-offs, a diagram draws the whole stack, if it fits.
const WHOLE_PARTIES: usize = 40;
const WHOLE_HANDOFFS: usize = 100;
/// The widest drawing (pixels) still read without zooming on a page or a sheet of paper.
const MAX_WIDTH: i32 = 1800;
/// A focused diagram starts with this many parties and shrinks its budget by a third until its
/// drawing fits, down to the least. It draws at most twice as many hand-offs between them, and
/// one "+N" node and link per party: well inside Mermaid's 500 edges and 50,000 characters.
const FOCUS_PARTIES: usize = 30;
const LEAST_PARTIES: usize = 6;
/// Finding places that do not fit the budget are skipped; after this many, the search stops.
const SKIPS: usize = 200;

/// Open and accepted findings at a hand-off, a party, or a folded part of the stack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Gaps not accepted.
    pub gaps: usize,
    /// Warnings not accepted.
    pub warnings: usize,
    /// Accepted gaps.
    pub accepted_gaps: usize,
    /// Accepted warnings.
    pub accepted_warnings: usize,
}

/// How a hand-off is drawn: its worst open finding, or whether only accepted ones remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// An open gap: solid red.
    Gap,
    /// An open warning and no open gap: dashed amber.
    Warning,
    /// Only accepted findings: dash-dotted grey.
    Accepted,
    /// No finding: dotted green.
    Covered,
}

impl Status {
    /// The word a legend and a CSS class use.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Gap => "gap",
            Status::Warning => "warning",
            Status::Accepted => "accepted",
            Status::Covered => "covered",
        }
    }

    /// The icon printed before the status, so that it reads without colour.
    pub fn icon(self) -> &'static str {
        match self {
            Status::Gap => "✖",
            Status::Warning => "⚠",
            Status::Accepted => "○",
            Status::Covered => "✓",
        }
    }

    /// Line colour (also the arrowhead's).
    pub fn colour(self) -> &'static str {
        match self {
            Status::Gap => "#d62728",
            Status::Warning => "#e6a700",
            Status::Accepted => "#777777",
            Status::Covered => "#2ca02c",
        }
    }

    /// A darker shade of the colour, for text on white.
    pub fn text_colour(self) -> &'static str {
        match self {
            Status::Gap => "#a50e0e",
            Status::Warning => "#7a5200",
            Status::Accepted => "#555555",
            Status::Covered => "#1e6b1e",
        }
    }

    /// SVG `stroke-dasharray` (none for solid) and line width: the status shows in the line's
    /// style as well as its colour.
    pub fn dashes(self) -> (Option<&'static str>, f32) {
        match self {
            Status::Gap => (None, 2.5),
            Status::Warning => (Some("7 4"), 2.0),
            Status::Accepted => (Some("9 3 2 3"), 1.5),
            Status::Covered => (Some("2 3"), 1.5),
        }
    }

    /// Graphviz `style`.
    pub fn dot_style(self) -> &'static str {
        match self {
            Status::Gap => "solid",
            Status::Warning => "dashed",
            Status::Accepted => "dashed",
            Status::Covered => "dotted",
        }
    }
}

/// `1 gap`, `2 gaps`: a count and its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural(n: usize, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}

impl Tally {
    fn add(&mut self, f: &crate::analysis::Finding) {
        match (f.accepted.is_some(), f.severity()) {
            (false, Severity::Gap) => self.gaps += 1,
            (false, Severity::Warning) => self.warnings += 1,
            (true, Severity::Gap) => self.accepted_gaps += 1,
            (true, Severity::Warning) => self.accepted_warnings += 1,
        }
    }

    fn absorb(&mut self, other: Tally) {
        self.gaps += other.gaps;
        self.warnings += other.warnings;
        self.accepted_gaps += other.accepted_gaps;
        self.accepted_warnings += other.accepted_warnings;
    }

    /// Open findings: gaps and warnings not accepted.
    pub fn open(&self) -> usize {
        self.gaps + self.warnings
    }

    /// How the place is drawn.
    pub fn status(&self) -> Status {
        if self.gaps > 0 {
            Status::Gap
        } else if self.warnings > 0 {
            Status::Warning
        } else if self.accepted_gaps + self.accepted_warnings > 0 {
            Status::Accepted
        } else {
            Status::Covered
        }
    }

    /// The status in words with its icon: `✖ 2 gaps, 1 warning`, `○ 1 accepted gap`,
    /// `✓ covered`. Accepted findings are named apart, by severity.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.gaps > 0 {
            parts.push(plural(self.gaps, "gap"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        if self.accepted_gaps > 0 {
            parts.push(plural(self.accepted_gaps, "accepted gap"));
        }
        if self.accepted_warnings > 0 {
            parts.push(plural(self.accepted_warnings, "accepted warning"));
        }
        if parts.is_empty() {
            parts.push("covered".into());
        }
        format!("{} {}", self.status().icon(), parts.join(", "))
    }
}

/// A box of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A party.
    Party(PartyIdx),
    /// What lies below a party and is not drawn: the parties reachable from it through
    /// hand-offs to parties not drawn, and the findings there.
    Folded {
        /// The party drawn above.
        under: PartyIdx,
        /// How many parties are folded in.
        parties: usize,
        /// The findings at the folded hand-offs and the folded parties' own requirements.
        tally: Tally,
        /// Where it is drawn: the highest declared layer below its party's among the providers
        /// folded in directly, else the lowest of theirs.
        layer: Option<u32>,
    },
}

/// An arrow from a consumer's box to a provider's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Index of the consumer in [`Diagram::nodes`].
    pub consumer: usize,
    /// Index of the provider in [`Diagram::nodes`].
    pub provider: usize,
    /// The hand-off drawn, or `None` for the link to a "+N" node.
    pub handoff: Option<HandoffIdx>,
    /// Its findings.
    pub tally: Tally,
}

/// What a focused diagram leaves out, so that it can say so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Parties in the stack.
    pub parties_total: usize,
    /// Hand-offs in the stack.
    pub handoffs_total: usize,
    /// Parties not drawn.
    pub parties: usize,
    /// Hand-offs not drawn.
    pub handoffs: usize,
    /// Open gaps and warnings at hand-offs not drawn and in the own requirements of parties
    /// not drawn.
    pub gaps: usize,
    /// See `gaps`.
    pub warnings: usize,
}

impl Omitted {
    /// One sentence saying what the diagram shows and what it leaves out.
    pub fn caption(&self) -> String {
        let shown_parties = self.parties_total - self.parties;
        let shown_handoffs = self.handoffs_total - self.handoffs;
        let mut s = format!(
            "Showing {shown_parties} of {} parties and {shown_handoffs} of {} hand-offs: the parties on paths to the worst findings. Not drawn: {} and {}",
            self.parties_total,
            self.handoffs_total,
            count(self.parties, "party", "parties"),
            plural(self.handoffs, "hand-off"),
        );
        if self.gaps + self.warnings > 0 {
            s.push_str(&format!(
                ", with {} and {}",
                plural(self.gaps, "open gap"),
                plural(self.warnings, "open warning")
            ));
        }
        s.push_str(
            ". Each \"+N\" box stands for the parties below the party above it that are not drawn, and counts their findings.",
        );
        s
    }
}

/// The boxes and arrows of one diagram of a stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    /// Parties and "+N" nodes.
    pub nodes: Vec<Node>,
    /// Hand-offs in stack order, then the links to "+N" nodes.
    pub links: Vec<Link>,
    /// Open findings of each drawn party's own requirements, indexed like `nodes`.
    pub own: Vec<Tally>,
    /// What is left out; `None` when the diagram draws the whole stack.
    pub omitted: Option<Omitted>,
}

impl Diagram {
    /// The diagram of a report: the whole stack when it is small enough to read, else the
    /// parties on paths to the worst findings, with the rest folded.
    pub fn of(ctx: &Context) -> Diagram {
        let stack = ctx.stack;
        let tallies = Tallies::of(ctx);
        let fits = |d: &Diagram| super::draw(stack, d).width <= MAX_WIDTH;
        if stack.parties.len() <= WHOLE_PARTIES && stack.handoffs.len() <= WHOLE_HANDOFFS {
            let d = whole(stack, &tallies);
            if fits(&d) {
                return d;
            }
        }
        let mut budget = FOCUS_PARTIES;
        loop {
            let d = focused(stack, &tallies, budget);
            if budget <= LEAST_PARTIES || fits(&d) {
                return d;
            }
            budget = (budget * 2 / 3).max(LEAST_PARTIES);
        }
    }

    /// Every party and every hand-off, whatever the size of the stack.
    pub fn whole(ctx: &Context) -> Diagram {
        whole(ctx.stack, &Tallies::of(ctx))
    }

    /// The lines of a box, unescaped: a party's name, its id when it differs, and its own
    /// requirements' findings when it has any; a "+N" node's title and, unless all is covered,
    /// what it holds.
    pub fn node_lines(&self, stack: &Stack, node: usize) -> Vec<String> {
        match &self.nodes[node] {
            Node::Party(p) => {
                let party = stack.party(*p);
                let mut lines = vec![party.name.clone()];
                if party.id != party.name {
                    lines.push(party.id.clone());
                }
                let own = self.own[node];
                if own != Tally::default() {
                    lines.push(format!("own: {}", own.label()));
                }
                lines
            }
            Node::Folded { parties, tally, .. } => {
                let mut lines = vec![Node::fold_title(*parties, tally)];
                if tally.status() != Status::Covered {
                    lines.push(tally.label());
                }
                lines
            }
        }
    }

    /// The lines of a link's label, unescaped: the hand-off's service, if it has one, and the
    /// status in words.
    pub fn link_lines(&self, stack: &Stack, link: usize) -> Vec<String> {
        let l = &self.links[link];
        let mut lines = Vec::new();
        if let Some(service) = l.handoff.and_then(|h| stack.handoff(h).service.as_ref()) {
            lines.push(service.clone());
        }
        lines.push(l.tally.label());
        lines
    }

    /// The declared layer a node belongs to, if any.
    pub fn layer(&self, stack: &Stack, node: usize) -> Option<u32> {
        match &self.nodes[node] {
            Node::Party(p) => stack.party(*p).layer,
            Node::Folded { layer, .. } => *layer,
        }
    }
}

struct Tallies {
    handoff: Vec<Tally>,
    party: Vec<Tally>,
}

impl Tallies {
    fn of(ctx: &Context) -> Tallies {
        let stack = ctx.stack;
        let mut handoff = vec![Tally::default(); stack.handoffs.len()];
        let mut party = vec![Tally::default(); stack.parties.len()];
        for f in ctx.report.by_control.iter().flatten() {
            match f.place {
                Place::Handoff { handoff: h, .. } => handoff[h as usize].add(f),
                Place::Party(p) => party[p as usize].add(f),
            }
        }
        Tallies { handoff, party }
    }
}

fn whole(stack: &Stack, tallies: &Tallies) -> Diagram {
    Diagram {
        nodes: (0..stack.parties.len() as PartyIdx)
            .map(Node::Party)
            .collect(),
        links: stack
            .handoffs
            .iter()
            .enumerate()
            .map(|(i, h)| Link {
                consumer: h.consumer as usize,
                provider: h.provider as usize,
                handoff: Some(i as HandoffIdx),
                tally: tallies.handoff[i],
            })
            .collect(),
        own: tallies.party.clone(),
        omitted: None,
    }
}

/// A place with open findings, worst first.
fn worst_places(stack: &Stack, tallies: &Tallies) -> Vec<(Tally, Option<HandoffIdx>, PartyIdx)> {
    let mut places: Vec<(Tally, Option<HandoffIdx>, PartyIdx)> = Vec::new();
    for (i, t) in tallies.handoff.iter().enumerate() {
        if t.open() > 0 {
            places.push((*t, Some(i as HandoffIdx), stack.handoffs[i].consumer));
        }
    }
    for (p, t) in tallies.party.iter().enumerate() {
        if t.open() > 0 {
            places.push((*t, None, p as PartyIdx));
        }
    }
    // Stable: among equals, hand-offs in stack order, then parties.
    places.sort_by_key(|(t, _, _)| (std::cmp::Reverse(t.gaps), std::cmp::Reverse(t.warnings)));
    places
}

/// The parties from `target` up to the nearest party already drawn or a party nobody consumes,
/// through consumers: the path that explains why `target` matters to the top of the stack.
fn path_up(stack: &Stack, target: PartyIdx, kept: &[bool]) -> Vec<PartyIdx> {
    let index = stack.index();
    if kept[target as usize] {
        return Vec::new();
    }
    let mut parent: std::collections::HashMap<PartyIdx, PartyIdx> = Default::default();
    let mut queue = VecDeque::from([target]);
    let mut seen = std::collections::HashSet::from([target]);
    let mut end = None;
    while let Some(p) = queue.pop_front() {
        let consumers = &index.provides[p as usize];
        if consumers.is_empty() || (p != target && kept[p as usize]) {
            end = Some(p);
            break;
        }
        for &h in consumers {
            let c = stack.handoff(h).consumer;
            if seen.insert(c) {
                parent.insert(c, p);
                queue.push_back(c);
            }
        }
    }
    // A group of parties that only consume each other has no top: draw the target alone.
    let Some(mut p) = end else {
        return vec![target];
    };
    let mut path = Vec::new();
    loop {
        if !kept[p as usize] {
            path.push(p);
        }
        match parent.get(&p) {
            Some(&child) => p = child,
            None => break,
        }
    }
    path
}

/// The parties on paths to the worst findings, at most `budget` of them, and at most twice as
/// many hand-offs between them; everything else folded under the party it hangs from.
fn focused(stack: &Stack, tallies: &Tallies, budget: usize) -> Diagram {
    let (kept, order) = choose(stack, tallies, budget);
    let mut node_of = vec![usize::MAX; stack.parties.len()];
    let mut nodes: Vec<Node> = Vec::new();
    for &p in &order {
        node_of[p as usize] = nodes.len();
        nodes.push(Node::Party(p));
    }
    let between = between(stack, tallies, &kept, 2 * budget);
    let mut links: Vec<Link> = between
        .iter()
        .map(|&h| {
            let ho = stack.handoff(h);
            Link {
                consumer: node_of[ho.consumer as usize],
                provider: node_of[ho.provider as usize],
                handoff: Some(h),
                tally: tallies.handoff[h as usize],
            }
        })
        .collect();
    // One "+N" node under each drawn party whose providers are not all drawn.
    for &k in &order {
        let hidden: Vec<HandoffIdx> = stack.index().consumes[k as usize]
            .iter()
            .copied()
            .filter(|&h| !kept[stack.handoff(h).provider as usize])
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let (parties, tally, layer) = fold(stack, tallies, &kept, &hidden);
        links.push(Link {
            consumer: node_of[k as usize],
            provider: nodes.len(),
            handoff: None,
            tally,
        });
        nodes.push(Node::Folded {
            under: k,
            parties,
            tally,
            layer,
        });
    }
    let mut own: Vec<Tally> = order.iter().map(|&p| tallies.party[p as usize]).collect();
    own.resize(nodes.len(), Tally::default());
    Diagram {
        nodes,
        links,
        own,
        omitted: Some(omitted(stack, tallies, &kept, &between)),
    }
}

/// Which parties a focused diagram draws: the places with open findings worst first, each with
/// its path up; a place that does not fit the budget is skipped. Returns a flag per party and
/// the drawn parties in stack order.
fn choose(stack: &Stack, tallies: &Tallies, budget: usize) -> (Vec<bool>, Vec<PartyIdx>) {
    let mut kept = vec![false; stack.parties.len()];
    let mut order: Vec<PartyIdx> = Vec::new();
    let mut skipped = 0;
    for (_, handoff, party) in worst_places(stack, tallies) {
        if order.len() >= budget || skipped >= SKIPS {
            break;
        }
        let mut need = path_up(stack, party, &kept);
        if let Some(h) = handoff {
            let provider = stack.handoff(h).provider;
            if !kept[provider as usize] && !need.contains(&provider) {
                need.push(provider);
            }
        }
        if order.len() + need.len() > budget {
            skipped += 1;
            continue;
        }
        for p in need {
            kept[p as usize] = true;
            order.push(p);
        }
    }
    order.sort_unstable();
    (kept, order)
}

/// Hand-offs between drawn parties, those with open findings first, at most `most`, in stack
/// order.
fn between(stack: &Stack, tallies: &Tallies, kept: &[bool], most: usize) -> Vec<HandoffIdx> {
    let mut between: Vec<HandoffIdx> = (0..stack.handoffs.len() as HandoffIdx)
        .filter(|&h| {
            let ho = stack.handoff(h);
            kept[ho.consumer as usize] && kept[ho.provider as usize]
        })
        .collect();
    between.sort_by_key(|&h| {
        let t = tallies.handoff[h as usize];
        (std::cmp::Reverse(t.gaps), std::cmp::Reverse(t.warnings))
    });
    between.truncate(most);
    between.sort_unstable();
    between
}

/// What a focused diagram leaves out: parties not drawn, hand-offs not drawn, and the open
/// findings at those hand-offs and in those parties' own requirements.
fn omitted(stack: &Stack, tallies: &Tallies, kept: &[bool], drawn: &[HandoffIdx]) -> Omitted {
    let mut is_drawn = vec![false; stack.handoffs.len()];
    for &h in drawn {
        is_drawn[h as usize] = true;
    }
    let mut omitted = Omitted {
        parties_total: stack.parties.len(),
        handoffs_total: stack.handoffs.len(),
        parties: kept.iter().filter(|&&k| !k).count(),
        handoffs: stack.handoffs.len() - drawn.len(),
        gaps: 0,
        warnings: 0,
    };
    let hidden = tallies
        .handoff
        .iter()
        .enumerate()
        .filter(|(h, _)| !is_drawn[*h])
        .chain(tallies.party.iter().enumerate().filter(|(p, _)| !kept[*p]));
    for (_, t) in hidden {
        omitted.gaps += t.gaps;
        omitted.warnings += t.warnings;
    }
    omitted
}

/// What lies below a drawn party through its hand-offs `hidden` to parties not drawn: how many
/// parties, their findings (at those hand-offs, at every hand-off of the parties folded in,
/// and in their own requirements), and the layer to draw it in (see [`Node::Folded`]).
fn fold(
    stack: &Stack,
    tallies: &Tallies,
    kept: &[bool],
    hidden: &[HandoffIdx],
) -> (usize, Tally, Option<u32>) {
    let index = stack.index();
    let mut tally = Tally::default();
    let mut seen = std::collections::HashSet::new();
    let mut queue = VecDeque::new();
    let above = hidden
        .first()
        .and_then(|&h| stack.party(stack.handoff(h).consumer).layer);
    let layers: Vec<u32> = hidden
        .iter()
        .filter_map(|&h| stack.party(stack.handoff(h).provider).layer)
        .collect();
    let layer = layers
        .iter()
        .filter(|&&l| above.is_none_or(|a| l > a))
        .min()
        .or(layers.iter().max())
        .copied();
    for &h in hidden {
        tally.absorb(tallies.handoff[h as usize]);
        let p = stack.handoff(h).provider;
        if seen.insert(p) {
            queue.push_back(p);
        }
    }
    while let Some(p) = queue.pop_front() {
        tally.absorb(tallies.party[p as usize]);
        for &h in &index.consumes[p as usize] {
            tally.absorb(tallies.handoff[h as usize]);
            let q = stack.handoff(h).provider;
            if !kept[q as usize] && seen.insert(q) {
                queue.push_back(q);
            }
        }
    }
    (seen.len(), tally, layer)
}

impl Node {
    /// The "+N" box's first line: `+12 covered`, or `+12 not drawn` when findings are folded
    /// in (the second line then counts them).
    pub fn fold_title(parties: usize, tally: &Tally) -> String {
        if tally.open() == 0 && tally.status() == Status::Covered {
            format!("+{parties} covered")
        } else {
            format!("+{parties} not drawn")
        }
    }
}
