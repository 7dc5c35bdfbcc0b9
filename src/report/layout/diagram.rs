//! What a diagram shows: the parties and hand-offs to draw with each hand-off's status, and,
//! for a stack too big to read as one picture, the parties on paths to the worst findings with
//! everything below them folded into "+N" nodes that say what they hold. A big stack with no
//! open finding still draws something true: its consumers at the top and the parties with
//! accepted findings, everything below folded into "+N covered" nodes.

use std::collections::VecDeque;

use crate::analysis::{Place, Severity};
use crate::report::Context;
use crate::stack::{HandoffIdx, PartyIdx, Stack};
use crate::text::count;

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
    /// What the drawn parties were chosen for.
    pub focus: Focus,
    /// Accepted gaps and accepted warnings in the whole stack.
    pub accepted: (usize, usize),
    /// Accepted gaps and accepted warnings at hand-offs not drawn and in the own requirements
    /// of parties not drawn.
    pub accepted_hidden: (usize, usize),
}

/// What a focused diagram's parties were chosen for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    /// The places with open findings, worst first, with their paths up.
    #[default]
    Worst,
    /// No open finding anywhere: the parties on paths to accepted findings, then the consumers
    /// at the top of the stack.
    Covered,
    /// Open findings, but none whose path up fits the budget: as for `Covered`, and the open
    /// findings are counted in the "+N" nodes.
    TooDeep,
}

impl Omitted {
    /// What the diagram shows and what it leaves out, in a few sentences whose first six
    /// numbers are always: parties shown, parties in the stack, hand-offs shown, hand-offs in
    /// the stack, parties not drawn, hand-offs not drawn.
    pub fn caption(&self) -> String {
        let shown_parties = self.parties_total - self.parties;
        let shown_handoffs = self.handoffs_total - self.handoffs;
        let (accepted_gaps, accepted_warnings) = self.accepted;
        let accepted = accepted_gaps + accepted_warnings;
        let roots = if accepted > 0 {
            "the parties on paths to accepted findings (drawn as accepted) and the consumers at the top of the stack, with what hangs below them folded"
        } else {
            "the consumers at the top of the stack, with what hangs below them folded"
        };
        let chosen = match self.focus {
            Focus::Worst => "the parties on paths to the worst findings".to_string(),
            Focus::Covered => format!("no open findings; {roots}"),
            Focus::TooDeep => {
                format!("no path to an open finding fits the diagram; {roots}")
            }
        };
        let mut s = format!(
            "Showing {shown_parties} of {} parties and {shown_handoffs} of {} hand-offs: {chosen}. Not drawn: {} and {}",
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
        s.push('.');
        if self.focus != Focus::Worst && accepted > 0 {
            let (hidden_gaps, hidden_warnings) = self.accepted_hidden;
            let hidden = hidden_gaps + hidden_warnings;
            s.push_str(&format!(
                " The stack has {} and {}, {}.",
                plural(accepted_gaps, "accepted gap"),
                plural(accepted_warnings, "accepted warning"),
                if hidden == 0 {
                    "all drawn".to_string()
                } else {
                    format!("{hidden} of them folded")
                }
            ));
        }
        s.push_str(
            " Each \"+N\" box stands for the parties below the party above it that are not drawn, and counts their findings.",
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

/// The places (a hand-off and its consumer, or a party's own requirements) whose `key` is not
/// zero, highest key first. `key` picks the findings that count: open gaps and warnings, or
/// accepted ones.
fn places(
    stack: &Stack,
    tallies: &Tallies,
    key: impl Fn(&Tally) -> (usize, usize),
) -> Vec<(Option<HandoffIdx>, PartyIdx)> {
    let mut places: Vec<((usize, usize), Option<HandoffIdx>, PartyIdx)> = Vec::new();
    for (i, t) in tallies.handoff.iter().enumerate() {
        if key(t) != (0, 0) {
            places.push((key(t), Some(i as HandoffIdx), stack.handoffs[i].consumer));
        }
    }
    for (p, t) in tallies.party.iter().enumerate() {
        if key(t) != (0, 0) {
            places.push((key(t), None, p as PartyIdx));
        }
    }
    // Stable: among equals, hand-offs in stack order, then parties.
    places.sort_by_key(|(k, _, _)| std::cmp::Reverse(*k));
    places.into_iter().map(|(_, h, p)| (h, p)).collect()
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
    let (kept, order, focus) = choose(stack, tallies, budget);
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
        omitted: Some(Omitted {
            focus,
            ..omitted(stack, tallies, &kept, &between)
        }),
    }
}

/// Which parties a focused diagram draws, and why: the places with open findings worst first,
/// each with its path up; a place that does not fit the budget is skipped. When that draws
/// nothing (no open finding, or none whose path fits), the places with accepted findings the
/// same way, then the consumers at the top of the stack while the budget lasts, so that the
/// diagram shows the stack covered rather than nothing. Returns a flag per party and the drawn
/// parties in stack order.
fn choose(stack: &Stack, tallies: &Tallies, budget: usize) -> (Vec<bool>, Vec<PartyIdx>, Focus) {
    let mut pick = Pick {
        kept: vec![false; stack.parties.len()],
        order: Vec::new(),
        budget,
    };
    let open = places(stack, tallies, |t| (t.gaps, t.warnings));
    pick.places(stack, &open);
    let focus = if !pick.order.is_empty() {
        Focus::Worst
    } else if !open.is_empty() {
        Focus::TooDeep
    } else {
        Focus::Covered
    };
    if focus != Focus::Worst {
        let accepted = |t: &Tally| (t.accepted_gaps, t.accepted_warnings);
        pick.places(stack, &places(stack, tallies, accepted));
        pick.roots(stack);
    }
    pick.order.sort_unstable();
    (pick.kept, pick.order, focus)
}

/// The parties chosen so far, and how many may be.
struct Pick {
    kept: Vec<bool>,
    order: Vec<PartyIdx>,
    budget: usize,
}

impl Pick {
    fn keep(&mut self, p: PartyIdx) {
        if !self.kept[p as usize] {
            self.kept[p as usize] = true;
            self.order.push(p);
        }
    }

    /// Each place with its path up (and a hand-off's provider), in turn, while they fit.
    fn places(&mut self, stack: &Stack, places: &[(Option<HandoffIdx>, PartyIdx)]) {
        let mut skipped = 0;
        for &(handoff, party) in places {
            if self.order.len() >= self.budget || skipped >= SKIPS {
                break;
            }
            let mut need = path_up(stack, party, &self.kept);
            if let Some(h) = handoff {
                let provider = stack.handoff(h).provider;
                if !self.kept[provider as usize] && !need.contains(&provider) {
                    need.push(provider);
                }
            }
            if self.order.len() + need.len() > self.budget {
                skipped += 1;
                continue;
            }
            for p in need {
                self.keep(p);
            }
        }
    }

    /// The parties nobody consumes, in stack order, while the budget lasts; the first party
    /// when there is none (every party consumed by another, as in a ring).
    fn roots(&mut self, stack: &Stack) {
        let index = stack.index();
        for p in 0..stack.parties.len() as PartyIdx {
            if self.order.len() >= self.budget {
                break;
            }
            if index.provides[p as usize].is_empty() {
                self.keep(p);
            }
        }
        if self.order.is_empty() && !stack.parties.is_empty() {
            self.keep(0);
        }
    }
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
        focus: Focus::Worst,
        accepted: (0, 0),
        accepted_hidden: (0, 0),
    };
    for t in tallies.handoff.iter().chain(&tallies.party) {
        omitted.accepted.0 += t.accepted_gaps;
        omitted.accepted.1 += t.accepted_warnings;
    }
    let hidden = tallies
        .handoff
        .iter()
        .enumerate()
        .filter(|(h, _)| !is_drawn[*h])
        .chain(tallies.party.iter().enumerate().filter(|(p, _)| !kept[*p]));
    for (_, t) in hidden {
        omitted.gaps += t.gaps;
        omitted.warnings += t.warnings;
        omitted.accepted_hidden.0 += t.accepted_gaps;
        omitted.accepted_hidden.1 += t.accepted_warnings;
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
