//! The Extism boundary alone, for the analyzers' benchmarks (issue 20, decision 1): the
//! `boundary` test plugin (`tests/guests/boundary`) reading an input and writing an output of
//! exactly the sizes of a real call, through the host and through a bare `extism::Plugin` under
//! the host's default limits.
//!
//! `cargo xtask bench` reports `(end to end − boundary) / native`, the cost of the analysis in
//! wasm, and `host / bare extism` for the same bytes, what the host adds to the boundary.

use extism::{Manifest, Plugin, PluginBuilder, Wasm};
use medplug_host::{Host, Limits};

/// The boundary plugin loaded twice, and an input standing for one real call.
pub struct Boundary {
    host: Host,
    bare: Plugin,
    input: Vec<u8>,
    output_bytes: usize,
}

impl Boundary {
    /// For a call of `input_bytes` in and `output_bytes` out.
    pub fn for_call(input_bytes: usize, output_bytes: usize) -> Self {
        let module = conformance::test_plugin(boundary::NAME).expect("the boundary plugin");
        let host = Host::builder()
            .plugin_bytes("boundary.wasm", module.clone())
            .build()
            .expect("the host loads the boundary plugin");
        let limits = Limits::default();
        let manifest = Manifest::new([Wasm::data(module)])
            .with_memory_max(limits.max_memory_pages)
            .with_timeout(limits.timeout);
        let builder = PluginBuilder::new(manifest)
            .with_wasi(false)
            .with_cache_disabled();
        let builder = match limits.fuel {
            Some(fuel) => builder.with_fuel_limit(fuel),
            None => builder,
        };
        let bare = builder.build().expect("extism loads the boundary plugin");
        let input = boundary::input_of(input_bytes, output_bytes).expect("room for the request");
        let mut this = Self {
            host,
            bare,
            input,
            output_bytes,
        };
        assert_eq!(this.through_host().len(), output_bytes);
        assert_eq!(this.through_bare_extism().len(), output_bytes);
        this
    }

    /// One call through the host (JSON bytes in and out, as `medplug serve` calls).
    pub fn through_host(&self) -> Vec<u8> {
        let output = self
            .host
            .call_json(boundary::NAME, boundary::PASS, &self.input)
            .expect("the boundary call");
        debug_assert_eq!(output.len(), self.output_bytes);
        output
    }

    /// One call through a bare `extism::Plugin`.
    pub fn through_bare_extism(&mut self) -> Vec<u8> {
        self.bare
            .call::<&[u8], Vec<u8>>(boundary::PASS, &self.input)
            .expect("the boundary call")
    }
}
