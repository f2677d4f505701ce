// The schema's migrations are embedded at compile time (refinery): a new
// file in migrations/ must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
