//! Fuzz target: any bytes as a stack file must load or be refused, never panic or hang, and a
//! stack that loads must analyse and render in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackgap::exercise(data);
});
