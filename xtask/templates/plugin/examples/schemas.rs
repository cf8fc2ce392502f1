//! Prints this plugin's JSON Schemas for `cargo xtask schemas` (feature `schema`, native only).

fn main() {
    medplug_pdk::schema::print_catalog(&{{crate}}::wire::schemas());
}
