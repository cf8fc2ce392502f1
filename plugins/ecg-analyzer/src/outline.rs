//! The analysis's stages and hot loops kept in functions of their own in the wasm module.
//!
//! `cargo xtask build-plugins` runs binaryen's `wasm-opt -Oz`, which inlines every function
//! called from a single place, loops and all: the whole analysis became one wasm function of
//! some 24,000 instructions, and Cranelift, which allocates registers a function at a time,
//! kept the loops' coefficients, sums and states on the stack in it (a store and a load on
//! every iteration of the band-pass filter and the moving-window integration). A function
//! called through a pointer that neither LLVM nor binaryen can see through stays a function
//! of its own — it is in the module's table, and binaryen does not inline those — and its
//! loops keep their values in registers. Natively the call costs a few nanoseconds per stage.

/// `f`, as a pointer that the optimisers cannot follow: calling it is never inlined.
#[inline(always)]
pub(crate) fn opaque<F: Copy>(f: F) -> F {
    std::hint::black_box(f)
}

/// `step(0)`, `step(1)`, … `step(n - 1)`, in order, four to a loop iteration. In the wasm
/// module every loop iteration checks the fuel, and the floating-point values carried from one
/// iteration to the next (a filter's state, a running sum) go through the stack around that
/// check (its rare path is a call, and no vector register survives a call); four to an
/// iteration, they do so once every four samples.
#[inline(always)]
pub(crate) fn by_fours(n: usize, mut step: impl FnMut(usize)) {
    let mut i = 0;
    while i + 4 <= n {
        step(i);
        step(i + 1);
        step(i + 2);
        step(i + 3);
        i += 4;
    }
    while i < n {
        step(i);
        i += 1;
    }
}
