//! Replays the corpus of the `chunked` fuzz target inside `cargo test`: every input the fuzzer
//! kept (and every one it ever failed on, once fixed) must still read the same in pieces as
//! whole, or fall back.

use std::path::Path;

#[test]
fn the_chunked_fuzz_corpus_reads_in_pieces_as_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/chunked");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the fuzz corpus is committed") {
        let bytes = std::fs::read(entry.expect("corpus entry").path()).expect("corpus file");
        stackgap::stack::load::exercise_chunked(&bytes);
        count += 1;
    }
    assert!(count >= 20, "the corpus should hold the seeds, got {count}");
}
