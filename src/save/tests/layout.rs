//! Line ends, byte-order mark and final newline survive an edit, and the line diff that carries
//! the edited lines into the original text is a shortest edit script within its bound.

use super::*;
use crate::save::write_back;

/// CRLF line ends, a byte-order mark and a missing final newline all survive an edit.
#[test]
fn line_ends_bom_and_final_newline_survive() {
    let body = format!(
        "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\nBK = \"provider\"\nENC = \"consumer\""
    );
    let variants = [
        body.replace('\n', "\r\n"),
        format!("\u{feff}{body}\n"),
        body.clone(),
        format!("{}\n", body.replacen('\n', "\r\n", 5)),
    ];
    for (i, text) in variants.iter().enumerate() {
        let original = load(text);
        assert_eq!(
            write_back(text, &original, &original).ok().as_ref(),
            Some(text)
        );
        let mut current = original.clone();
        apply(&mut current, 0, 1, SetAgreed(Some(S)));
        let out = write_back(text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(
            out,
            text.replace("ENC = \"consumer\"", "ENC = \"shared\""),
            "case {i}"
        );
        apply(&mut current, 0, 0, SetAssumed(Some(C)));
        current.accepts.push(accept(
            &original,
            "BK",
            Kind::NotDelivered,
            AcceptPlace::Handoff(0),
        ));
        let out = write_back(text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
        let crlf_lines = text.matches("\r\n").count();
        if crlf_lines > 5 {
            assert_eq!(
                out.matches('\n').count(),
                out.matches("\r\n").count(),
                "case {i}: all CRLF"
            );
        } else {
            assert_eq!(
                out.matches("\r\n").count(),
                crlf_lines,
                "case {i}: CRLF lines kept"
            );
        }
        assert_eq!(out.starts_with('\u{feff}'), text.starts_with('\u{feff}'));
    }
}

proptest::proptest! {
    /// The edit script replays `a` into `b` and is as short as the longest common subsequence allows.
    #[test]
    fn diff_is_a_shortest_edit_script(a in proptest::collection::vec(0u8..4, 0..30), b in proptest::collection::vec(0u8..4, 0..30)) {
        let words = ["w\n", "x\n", "y\n", "z\n"];
        let a: Vec<&str> = a.iter().map(|&i| words[i as usize]).collect();
        let b: Vec<&str> = b.iter().map(|&i| words[i as usize]).collect();
        let ops = diff_lines(&a, &b, usize::MAX).expect("unbounded");
        let (mut from_a, mut to_b, mut equal) = (Vec::new(), Vec::new(), 0);
        for op in ops {
            match op {
                Op::Equal(i, j) => { proptest::prop_assert_eq!(a[i], b[j]); from_a.push(i); to_b.push(j); equal += 1; }
                Op::Delete(i) => from_a.push(i),
                Op::Insert(j) => to_b.push(j),
            }
        }
        proptest::prop_assert_eq!(from_a, (0..a.len()).collect::<Vec<_>>());
        proptest::prop_assert_eq!(to_b, (0..b.len()).collect::<Vec<_>>());
        let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
            }
        }
        proptest::prop_assert_eq!(equal, lcs[0][0]);
    }
}

#[test]
fn diff_finds_a_shortest_script() {
    let a = ["a\n", "b\n", "c\n", "d\n"];
    let b = ["a\n", "x\n", "c\n", "d\n", "e\n"];
    let ops = diff_lines(&a, &b, 10).expect("diff");
    let edits = ops.iter().filter(|o| !matches!(o, Op::Equal(..))).count();
    assert_eq!(edits, 3);
    assert!(diff_lines(&a, &b, 1).is_none(), "bounded");
    assert_eq!(diff_lines(&[], &["x"], 5), Some(vec![Op::Insert(0)]));
}
