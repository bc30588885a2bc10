// Puts the directory flinkdbt-sys found libflinkdbt.so in on this crate's binaries' rpath (its tests
// and examples), so they run without LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_FLINKDBT_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_FLINKDBT_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
