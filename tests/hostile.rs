//! Hostile input never breaks stackgap: the fuzz corpus replayed, random mutations of real
//! stacks, deep chains and cycles, huge strings and files that are not stack files at all. Each
//! either analyses or exits 2 with a reason — never a panic, a hang or a stack overflow.

use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stackgap"))
}

/// Every input the fuzzer kept (fuzz/corpus/load_analyse) loads or is refused without a panic.
#[test]
fn fuzz_corpus_replays_without_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/load_analyse");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the fuzz corpus is committed") {
        let path = entry.expect("corpus entry").path();
        let bytes = std::fs::read(&path).expect("corpus file");
        stackgap::exercise(&bytes);
        count += 1;
    }
    assert!(
        count >= 20,
        "the corpus should hold the seeds and what the fuzzer found, got {count}"
    );
}

fn samples() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A bounded stand-in for the fuzzer inside `cargo test`: sample stacks with random bytes
    /// overwritten, inserted or cut still load or are refused cleanly.
    #[test]
    fn mutated_sample_stacks_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
    ) {
        let samples = samples();
        let mut bytes = samples[which.index(samples.len())].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.drain(i..(i + 1 + byte as usize % 16).min(bytes.len())); }
            }
        }
        stackgap::exercise(&bytes);
    }
}

fn chain(n: usize) -> String {
    let mut s = String::from(
        "[stack]\nname = \"chain\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"x\"\n",
    );
    for i in 0..n {
        s.push_str(&format!("[[party]]\nid = \"p{i}\"\n"));
    }
    for i in 0..n - 1 {
        s.push_str(&format!("[[handoff]]\nconsumer = \"p{i}\"\nprovider = \"p{}\"\ncontrols = {{ X = \"provider\" }}\n", i + 1));
    }
    s
}

fn as_of() -> Date {
    Date::new(2026, 11, 28).unwrap()
}

/// A 100,000-party delegation chain that nobody at the bottom delivers: every hand-off is a
/// broken chain whose root cause is the last party, found without recursion.
#[test]
fn a_100k_party_delegation_chain_analyses() {
    let n = 100_000;
    let stack = stackgap::stack::load_str(&chain(n), "chain.toml", None).unwrap();
    let report = analyse(&stack, &WhatIf::new(&stack, as_of()));
    let findings = report.sorted(&stack);
    assert_eq!(findings.len(), n - 1);
    let last = stack.party_id(&format!("p{}", n - 1)).unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.kind.as_str() == "broken-chain" || f.kind.as_str() == "not-delivered")
    );
    let first = stack.party_id("p0").unwrap();
    let top = findings
        .iter()
        .find(|f| {
            f.handoff()
                .is_some_and(|h| stack.handoff(h).consumer == first)
        })
        .unwrap();
    assert_eq!(top.root_causes, vec![last]);
}

/// A 50,000-party delegation cycle with no implementer: every hand-off is a circular broken
/// chain, and the strongly connected component is one cycle note.
#[test]
fn a_50k_party_delegation_cycle_analyses() {
    let n = 50_000;
    let mut s = chain(n);
    s.push_str(&format!(
        "[[handoff]]\nconsumer = \"p{}\"\nprovider = \"p0\"\ncontrols = {{ X = \"provider\" }}\n",
        n - 1
    ));
    let stack = stackgap::stack::load_str(&s, "cycle.toml", None).unwrap();
    let report = analyse(&stack, &WhatIf::new(&stack, as_of()));
    let findings = report.sorted(&stack);
    assert_eq!(findings.len(), n);
    assert!(
        findings
            .iter()
            .all(|f| f.circular && f.root_causes.is_empty())
    );
    let cycles: Vec<_> = report.notes().filter(|n| n.kind() == "cycle").collect();
    assert_eq!(cycles.len(), 1);
}

/// Deeply nested TOML is refused with a position, not a stack overflow.
#[test]
fn deeply_nested_toml_is_refused_cleanly() {
    for text in [
        format!(
            "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nnotes = {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!(
            "[stack]\nname = \"x\"\nx = {}1{}\n",
            "{a = ".repeat(50_000),
            "}".repeat(50_000)
        ),
    ] {
        let err = stackgap::stack::load_str(&text, "deep.toml", None).unwrap_err();
        assert!(err.position().is_some(), "{err}");
    }
}

/// 2 MB names and notes load, analyse and render.
#[test]
fn two_megabyte_strings_load_and_render() {
    let big = "n".repeat(2 * 1024 * 1024);
    let text = format!(
        "[stack]\nname = \"{big}\"\n[[party]]\nid = \"a\"\nnotes = \"{big}\"\nrequires = [\"BACKUP\"]\n"
    );
    stackgap::exercise(text.as_bytes());
    let stack = stackgap::stack::load_str(&text, "big.toml", None).unwrap();
    assert_eq!(stack.name.len(), big.len());
}

fn run_on(path: &Path) -> std::process::Output {
    bin()
        .arg("check")
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Binary garbage, a FIFO and a sparse file over 64 MiB: exit 2, empty stdout, a reason.
#[test]
fn files_that_are_not_stacks_exit_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.toml");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, bytes).unwrap();

    let huge = dir.path().join("huge.toml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();

    let fifo = dir.path().join("fifo.toml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);

    let mut cases = vec![(garbage, "garbage.toml:"), (huge, "64 MiB")];
    if made {
        cases.push((fifo, "not a regular file"));
    }
    for (path, reason) in cases {
        let out = run_on(&path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(out.stdout.is_empty(), "{}", path.display());
        assert!(stderr.contains(reason), "{}: {stderr}", path.display());
    }
}
