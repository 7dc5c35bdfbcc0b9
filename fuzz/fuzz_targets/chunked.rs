//! Fuzz target: the chunked parser, which reads stack files of 512 KiB and more in pieces,
//! must read any text exactly as a whole-document parse does, spans included, or decline and
//! leave it to the whole parse. Inputs are cut into pieces of under 64 bytes; one in 16 is also
//! repeated into a file big enough for the real piece size (`stack::load::exercise_chunked`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackgap::stack::load::exercise_chunked(data);
});
