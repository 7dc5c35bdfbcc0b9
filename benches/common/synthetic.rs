//! Large synthetic stacks, deterministic by seed, for benchmarks and scale tests: shared by
//! `examples/gen-stack.rs` (which prints one) and `benches/engine.rs` (which measures on them).
//!
//! Reference shape (issue 4): 6 declared layers, 200 `[[control]]`s with `catalog = "none"`,
//! parties implementing about a quarter of the controls (more in the lower layers), up to 4
//! hand-offs per party — mostly to a lower layer, some sideways and a few upward, so the stack
//! has cycles and layer inversions — with up to 20 controls each, in every form the format
//! allows. Hand-offs are generated from the bottom layer up, and a provider is mostly handed
//! controls it delivers or hands on itself, so most chains hold and the findings are the
//! exceptions a review would turn up. Seed 1 at 10,000 parties: 20,205 hand-offs, 212,312
//! entries, 15.6 MB of TOML; `stackgap check` finds 14,663 gaps and 42,307 warnings, 2 cycles
//! and 970 layer inversions.

use std::collections::HashSet;
use std::fmt::Write;

/// Layers, top (closest to the customer) first, with the share of parties in each and the
/// share of the 200 controls a party of that layer implements itself.
const LAYERS: [(&str, &str, f64, f64); 6] = [
    ("customer", "Customer", 0.05, 0.05),
    ("saas", "Software as a Service", 0.30, 0.15),
    ("paas", "Platform as a Service", 0.25, 0.25),
    ("managed", "Managed security and operations", 0.20, 0.30),
    ("iaas", "Infrastructure as a Service", 0.15, 0.40),
    ("facility", "Data centres and networks", 0.05, 0.45),
];

/// Number of `[[control]]`s declared.
const CONTROLS: usize = 200;

const FAMILIES: [&str; 10] = [
    "Access control",
    "Audit and accountability",
    "Backup and recovery",
    "Configuration",
    "Cryptography",
    "Data location",
    "Incident response",
    "Network",
    "Personnel",
    "Supply chain",
];

/// A small, fast, seedable generator (SplitMix64): no RNG crate needed, and the same seed gives
/// the same bytes on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Skewed towards 0: a few providers are consumed by many, as in real inventories.
    fn popular(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

/// A hand-off being generated: (layer, index) of each side, then its controls.
struct Handoff {
    consumer: (usize, usize),
    provider: (usize, usize),
    entries: Vec<(usize, Form)>,
}

/// The forms an entry is written in, with who ends up responsible.
#[derive(Clone, Copy)]
struct Form {
    toml: &'static str,
    /// The effective owner is the provider: the consumer delegates the control.
    delegates: bool,
    /// The provider side is judged (delegated or shared).
    provider_side: bool,
    /// The consumer side is judged (kept or shared).
    consumer_side: bool,
}

/// The mix of entry forms, out of 100, as a review of real contracts might find them: mostly
/// agreements (shorthand or with evidence), some bare assumptions, a few disagreements between
/// agreement and assumption, expired evidence, and the odd entry nobody owns.
const FORMS: [(u32, Form); 13] = [
    (40, form("\"provider\"", 'p')),
    (4, form("\"shared\"", 's')),
    (4, form("\"consumer\"", 'c')),
    (
        18,
        form("{ agreed = \"provider\", evidence = \"attested\" }", 'p'),
    ),
    (
        6,
        form("{ agreed = \"provider\", evidence = \"verified\" }", 'p'),
    ),
    (
        2,
        form("{ agreed = \"provider\", evidence = \"contract\" }", 'p'),
    ),
    (8, form("{ assumed = \"provider\" }", 'p')),
    (
        4,
        form("{ assumed = \"provider\", agreed = \"consumer\" }", 'c'),
    ),
    (
        2,
        form(
            "{ assumed = \"consumer\", agreed = \"provider\", evidence = \"none\" }",
            'p',
        ),
    ),
    (
        2,
        form("{ assumed = \"provider\", agreed = \"shared\" }", 's'),
    ),
    (
        3,
        form(
            "{ agreed = \"provider\", evidence = \"attested\", expires = 2026-06-30 }",
            'p',
        ),
    ),
    (
        5,
        form(
            "{ agreed = \"provider\", evidence = \"verified\", expires = 2028-12-31 }",
            'p',
        ),
    ),
    (2, form("{}", '-')),
];

/// A form whose effective owner is `p`rovider, `c`onsumer, `s`hared or nobody (`-`).
const fn form(toml: &'static str, owner: char) -> Form {
    Form {
        toml,
        delegates: owner == 'p',
        provider_side: owner == 'p' || owner == 's',
        consumer_side: owner == 'c' || owner == 's',
    }
}

/// The TOML of a synthetic stack of `parties` parties (at least 6: one per layer).
pub fn stack_toml(parties: usize, seed: u64) -> String {
    let parties = parties.max(LAYERS.len());
    let mut rng = SplitMix64(seed ^ 0x5EED_57AC_6A90_0001);

    // Party ids per layer: `saas-00042`, so an id says where a party sits.
    let mut members: Vec<Vec<String>> = Vec::with_capacity(LAYERS.len());
    let mut assigned = 0;
    for (i, (id, _, share, _)) in LAYERS.iter().enumerate() {
        // Every layer gets at least one party, and rounding never leaves a later one empty
        // (at 30 parties the shares round up to 30 before the last layer).
        let later = LAYERS.len() - 1 - i;
        let n = if later == 0 {
            parties - assigned
        } else {
            ((parties as f64 * share).round() as usize).clamp(1, parties - assigned - later)
        };
        assigned += n;
        members.push((0..n).map(|k| format!("{id}-{k:05}")).collect());
    }
    let implements: Vec<Vec<Vec<usize>>> = LAYERS
        .iter()
        .zip(&members)
        .map(|((_, _, _, share), ids)| {
            ids.iter()
                .map(|_| (0..CONTROLS).filter(|_| rng.chance(*share)).collect())
                .collect()
        })
        .collect();

    // The hand-off graph first, then the controls at each hand-off from the bottom layer up:
    // a provider is mostly handed controls it delivers itself or hands on in turn, so most
    // chains hold and the gaps are the exceptions a review finds.
    let mut handoffs: Vec<Vec<Handoff>> = Vec::with_capacity(LAYERS.len());
    for (layer, ids) in members.iter().enumerate() {
        let mut list = Vec::new();
        for consumer in 0..ids.len() {
            let mut providers: HashSet<(usize, usize)> = HashSet::new();
            for _ in 0..rng.below(5) {
                if let Some(target) = pick_provider(&mut rng, &members, layer, consumer)
                    && providers.insert(target)
                {
                    list.push(Handoff {
                        consumer: (layer, consumer),
                        provider: target,
                        entries: Vec::new(),
                    });
                }
            }
        }
        handoffs.push(list);
    }
    let mut offered: Vec<Vec<Vec<bool>>> = implements
        .iter()
        .map(|layer| {
            layer
                .iter()
                .map(|own| {
                    (0..CONTROLS)
                        .map(|c| own.binary_search(&c).is_ok())
                        .collect()
                })
                .collect()
        })
        .collect();
    for layer in (0..LAYERS.len()).rev() {
        for h in &mut handoffs[layer] {
            h.entries = entries(&mut rng, &offered, &implements, h);
            let (l, i) = h.consumer;
            for &(c, form) in &h.entries {
                offered[l][i][c] |= form.delegates;
            }
        }
    }

    // A customer mostly requires what it operates or hands on; the rest it forgot to cover.
    let requires: Vec<Vec<usize>> = offered[0]
        .iter()
        .map(|covers| {
            let covered: Vec<usize> = (0..CONTROLS).filter(|&c| covers[c]).collect();
            let mut wanted: Vec<usize> = Vec::new();
            for _ in 0..10 + rng.below(21) {
                let c = if covered.is_empty() || rng.chance(0.1) {
                    rng.below(CONTROLS)
                } else {
                    covered[rng.below(covered.len())]
                };
                if !wanted.contains(&c) {
                    wanted.push(c);
                }
            }
            wanted.sort_unstable();
            wanted
        })
        .collect();

    let mut out = String::with_capacity(parties * 1700);
    let _ = writeln!(
        out,
        "# Synthetic stack: `cargo run --release --example gen-stack -- --parties {parties} --seed {seed}`.\n\
         [stack]\nname = \"Synthetic stack ({parties} parties, seed {seed})\"\n\
         description = \"Generated for benchmarks; the shape is documented in benches/common/synthetic.rs.\"\n\
         catalog = \"none\"\nmin_evidence = \"contract\"\n"
    );
    for (id, name, _, _) in LAYERS {
        let _ = writeln!(out, "[[layer]]\nid = \"{id}\"\nname = \"{name}\"\n");
    }
    for c in 0..CONTROLS {
        let _ = writeln!(
            out,
            "[[control]]\nid = \"{}\"\nname = \"Synthetic control {}\"\nfamily = \"{}\"\n",
            control_id(c),
            c + 1,
            FAMILIES[c % FAMILIES.len()]
        );
    }
    for (layer, ids) in members.iter().enumerate() {
        let (layer_id, layer_name, _, _) = LAYERS[layer];
        for (k, id) in ids.iter().enumerate() {
            let _ = writeln!(
                out,
                "[[party]]\nid = \"{id}\"\nname = \"{layer_name} #{k}\"\nlayer = \"{layer_id}\""
            );
            if layer == 0 {
                write_ids(&mut out, "requires", &requires[k]);
            }
            if !implements[layer][k].is_empty() {
                write_ids(&mut out, "implements", &implements[layer][k]);
            }
            if k % 10 == 3 {
                let _ = writeln!(out, "notes = \"Reviewed in the {} cycle\"", 2024 + k % 3);
            }
            out.push('\n');
        }
    }
    for h in handoffs.iter().flatten() {
        write_handoff(&mut out, &mut rng, &members, h);
    }
    out
}

/// `C-001` … `C-200`.
fn control_id(c: usize) -> String {
    format!("C-{:03}", c + 1)
}

fn write_ids(out: &mut String, key: &str, controls: &[usize]) {
    out.push_str(key);
    out.push_str(" = [");
    for (i, &c) in controls.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{}\"", control_id(c));
    }
    out.push_str("]\n");
}

/// A provider for a hand-off of `consumer` in `layer`: 80 % in a lower layer (mostly the next
/// one), 15 % in the same layer, 5 % in a higher one; popular providers are picked more often.
fn pick_provider(
    rng: &mut SplitMix64,
    members: &[Vec<String>],
    layer: usize,
    consumer: usize,
) -> Option<(usize, usize)> {
    let roll = rng.unit();
    let bottom = members.len() - 1;
    let target_layer = if roll < 0.80 && layer < bottom {
        let skip = usize::from(layer + 1 < bottom && rng.chance(0.25));
        layer + 1 + skip
    } else if roll < 0.95 || layer == 0 {
        layer
    } else {
        layer - 1
    };
    let target = rng.popular(members[target_layer].len());
    (target_layer != layer || target != consumer).then_some((target_layer, target))
}

/// Up to 20 controls for a hand-off. A control the provider is responsible for is, nineteen
/// times out of twenty, one it delivers or hands on; one the consumer keeps, one it operates
/// itself; a shared one, one both do. The rest are the gaps.
fn entries(
    rng: &mut SplitMix64,
    offered: &[Vec<Vec<bool>>],
    implements: &[Vec<Vec<usize>>],
    h: &Handoff,
) -> Vec<(usize, Form)> {
    let provider_offers = &offered[h.provider.0][h.provider.1];
    let provider_has: Vec<usize> = (0..CONTROLS).filter(|&c| provider_offers[c]).collect();
    let consumer_has = &implements[h.consumer.0][h.consumer.1];
    let both_have: Vec<usize> = consumer_has
        .iter()
        .copied()
        .filter(|&c| provider_offers[c])
        .collect();
    let count = 1 + rng.below(20);
    let mut listed: Vec<(usize, Form)> = Vec::with_capacity(count);
    let mut attempts = 0;
    while listed.len() < count && attempts < 4 * count {
        attempts += 1;
        let form = pick_form(rng);
        let pool: &[usize] = match (form.provider_side, form.consumer_side) {
            _ if rng.chance(0.05) => &[],
            (true, true) => &both_have,
            (true, false) => &provider_has,
            (false, true) => consumer_has,
            (false, false) => &[],
        };
        let c = if pool.is_empty() {
            rng.below(CONTROLS)
        } else {
            pool[rng.below(pool.len())]
        };
        if listed.iter().all(|&(l, _)| l != c) {
            listed.push((c, form));
        }
    }
    listed
}

fn pick_form(rng: &mut SplitMix64) -> Form {
    let mut roll = rng.below(100) as u32;
    for (weight, form) in FORMS {
        if roll < weight {
            return form;
        }
        roll -= weight;
    }
    FORMS[0].1
}

fn write_handoff(out: &mut String, rng: &mut SplitMix64, members: &[Vec<String>], h: &Handoff) {
    let _ = writeln!(
        out,
        "[[handoff]]\nconsumer = \"{}\"\nprovider = \"{}\"",
        members[h.consumer.0][h.consumer.1], members[h.provider.0][h.provider.1]
    );
    if rng.chance(0.3) {
        let service = ["Hosting", "Storage", "Identity", "Monitoring", "Support"][rng.below(5)];
        let _ = writeln!(out, "service = \"{service}\"");
    }
    if rng.chance(0.5) {
        let _ = writeln!(
            out,
            "agreement = \"MSA 20{:02}-{:02} §{}\"",
            20 + rng.below(6),
            1 + rng.below(12),
            1 + rng.below(20)
        );
    }
    out.push_str("[handoff.controls]\n");
    for &(c, form) in &h.entries {
        let _ = writeln!(out, "{} = {}", control_id(c), form.toml);
    }
    out.push('\n');
}
